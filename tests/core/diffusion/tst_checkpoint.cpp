// Checkpoint detection on the real single-file layouts (every key and shape
// of SD 1.5, SDXL base 1.0 and SDXL refiner 1.0, as shape-only stores): the
// family, each component's prefix and hyper-parameters, the keys ignored by
// name, and refusals that name the file and the cause.

// LibTorch headers before Qt's (Qt's "slots" macro breaks torch/nn).
#include "common/error.h"
#include "diffusion/checkpoint.h"

#include "checkpoint_layouts.h"
#include "support/error_checks.h"

#include <QtTest>

#include <algorithm>

using namespace tessera;
using namespace tessera::sd;

namespace {

std::vector<TensorDecl> layoutOrSkip(const QString& name)
{
    return test::readCheckpointLayout(name);
}

CheckpointLayout inspect(const std::vector<TensorDecl>& tensors, const std::string& name = "test.safetensors")
{
    const ShapeOnlyStore store(tensors, name);
    return inspectCheckpoint(store);
}

/// The tensors whose key does not start with `prefix`.
std::vector<TensorDecl> without(const std::vector<TensorDecl>& tensors, const std::string& prefix)
{
    std::vector<TensorDecl> kept;
    for (const TensorDecl& t : tensors)
        if (t.key.compare(0, prefix.size(), prefix) != 0)
            kept.push_back(t);
    return kept;
}

/// Only the tensors under `prefix`, with the prefix replaced by `replacement`.
std::vector<TensorDecl> only(const std::vector<TensorDecl>& tensors, const std::string& prefix,
                             const std::string& replacement = "")
{
    std::vector<TensorDecl> kept;
    for (TensorDecl t : tensors)
        if (t.key.compare(0, prefix.size(), prefix) == 0) {
            t.key = replacement + t.key.substr(prefix.size());
            kept.push_back(t);
        }
    return kept;
}

bool contains(const std::vector<std::string>& keys, const std::string& key)
{
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

} // namespace

#define REQUIRE_LAYOUT(var, name)                                                                \
    const std::vector<TensorDecl> var = layoutOrSkip(name);                                      \
    if (var.empty())                                                                             \
        QSKIP("the checkpoint layouts are not in ../shared/data/checkpoint_layouts beside the checkout")

class TestCheckpoint : public QObject {
    Q_OBJECT

private slots:
    void sd15Layout()
    {
        REQUIRE_LAYOUT(tensors, "sd15");
        const CheckpointLayout layout = inspect(tensors);
        QCOMPARE(layout.family, ModelFamily::Sd1);
        QVERIFY(layout.unet && layout.vae && layout.clipL && !layout.clipG);
        QCOMPARE(layout.unet->prefix, std::string("model.diffusion_model."));
        QCOMPARE(layout.vae->prefix, std::string("first_stage_model."));
        QCOMPARE(layout.clipL->prefix, std::string("cond_stage_model.transformer."));
        QCOMPARE(layout.unet->config.contextDim, int64_t(768));
        QCOMPARE(layout.unet->config.admInChannels, int64_t(0));
        QCOMPARE(layout.clipL->config.width, int64_t(768));
        QVERIFY(layout.unknownKeys.empty());
        // SD 1.5's UNet has 859.5M parameters, its VAE 83.7M, CLIP-L 123.1M.
        QCOMPARE(layout.unet->parameterCount / 100000, int64_t(8595));
        QCOMPARE(layout.vae->parameterCount / 100000, int64_t(836));
        QCOMPARE(layout.clipL->parameterCount / 100000, int64_t(1230));
        QCOMPARE(vaeScalingFactor(layout.family), 0.18215);
    }

    void sdxlBaseLayout()
    {
        REQUIRE_LAYOUT(tensors, "sdxl_base");
        const CheckpointLayout layout = inspect(tensors);
        QCOMPARE(layout.family, ModelFamily::SdxlBase);
        QVERIFY(layout.unet && layout.vae && layout.clipL && layout.clipG);
        QCOMPARE(layout.clipL->prefix, std::string("conditioner.embedders.0.transformer."));
        QCOMPARE(layout.clipG->prefix, std::string("conditioner.embedders.1.model."));
        QCOMPARE(layout.unet->config.contextDim, int64_t(2048));
        QCOMPARE(layout.unet->config.admInChannels, int64_t(2816));
        QCOMPARE(layout.clipG->config.width, int64_t(1280));
        QCOMPARE(layout.clipG->config.projectionDim, int64_t(1280));
        // logit_scale is in real files and unused: ignored by name, not unknown.
        QVERIFY(contains(layout.ignoredKeys, "conditioner.embedders.1.model.logit_scale"));
        QVERIFY(layout.unknownKeys.empty());
        QCOMPARE(layout.unet->parameterCount / 10000000, int64_t(256)); // 2.57 G
        QCOMPARE(vaeScalingFactor(layout.family), 0.13025);
    }

    void sdxlRefinerLayout()
    {
        REQUIRE_LAYOUT(tensors, "sdxl_refiner");
        const CheckpointLayout layout = inspect(tensors);
        QCOMPARE(layout.family, ModelFamily::SdxlRefiner);
        QVERIFY(layout.unet && layout.vae && !layout.clipL && layout.clipG);
        QCOMPARE(layout.clipG->prefix, std::string("conditioner.embedders.0.model."));
        QCOMPARE(layout.unet->config.contextDim, int64_t(1280));
        QCOMPARE(layout.unet->config.admInChannels, int64_t(2560));
        QVERIFY(layout.unknownKeys.empty());
    }

    void extraKeysOfRealFilesAreIgnoredByName()
    {
        REQUIRE_LAYOUT(tensors, "sd15");
        std::vector<TensorDecl> more = tensors;
        for (const char* key : {"cond_stage_model.transformer.text_model.embeddings.position_ids", "alphas_cumprod",
                                "betas", "posterior_mean_coef1", "model_ema.decay",
                                "model_ema.diffusion_modelinput_blocks00weight"})
            more.push_back(TensorDecl{key, at::kFloat, {1}});
        more.push_back(TensorDecl{"cond_stage_model.unexpected.weight", at::kFloat, {3}});
        const CheckpointLayout layout = inspect(more);
        QCOMPARE(layout.family, ModelFamily::Sd1);
        QCOMPARE(layout.ignoredKeys.size(), size_t(6));
        QCOMPARE(layout.unknownKeys, std::vector<std::string>{"cond_stage_model.unexpected.weight"});
        QVERIFY(QString::fromStdString(layout.describe()).contains("1 unknown keys"));
    }

    void standaloneVaeWithAndWithoutPrefix()
    {
        REQUIRE_LAYOUT(tensors, "sdxl_base");
        for (const std::string& replacement : {std::string("first_stage_model."), std::string()}) {
            std::vector<TensorDecl> vae = only(tensors, "first_stage_model.", replacement);
            vae.push_back(TensorDecl{replacement + "loss.logvar", at::kFloat, {}}); // training leftovers
            const CheckpointLayout layout = inspect(vae);
            QCOMPARE(layout.family, ModelFamily::VaeOnly);
            QVERIFY(layout.vae && !layout.unet && !layout.clipL && !layout.clipG);
            QCOMPARE(layout.vae->prefix, replacement);
            QCOMPARE(layout.vae->config.baseChannels, int64_t(128));
            QVERIFY(layout.unknownKeys.empty());
        }
    }

    void sdxlUNetAloneIsToldApartByItsContext()
    {
        REQUIRE_LAYOUT(base, "sdxl_base");
        REQUIRE_LAYOUT(refiner, "sdxl_refiner");
        QCOMPARE(inspect(only(base, "model.diffusion_model.", "model.diffusion_model.")).family, ModelFamily::SdxlBase);
        QCOMPARE(inspect(only(refiner, "model.diffusion_model.", "model.diffusion_model.")).family,
                 ModelFamily::SdxlRefiner);
    }

    void refusalsNameTheFileAndTheCause()
    {
        REQUIRE_LAYOUT(tensors, "sdxl_base");
        // Text encoders alone.
        try {
            inspect(only(tensors, "conditioner.", "conditioner."), "encoders.safetensors");
            QFAIL("text encoders alone were accepted");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::UnsupportedModel);
            QVERIFY2(QString(e.what()).contains("encoders.safetensors") && QString(e.what()).contains("no UNet"), e.what());
        }
        // A UNet block missing: the message names the file.
        std::vector<TensorDecl> broken = without(tensors, "model.diffusion_model.middle_block.");
        TESSERA_VERIFY_ERROR(inspect(broken), ErrorCode::UnsupportedModel);
        // Nothing diffusion-like at all.
        const ShapeOnlyStore other({TensorDecl{"conv_first.weight", at::kFloat, {64, 3, 3, 3}}}, "esrgan.pth");
        QVERIFY(!isDiffusionCheckpoint(other));
        TESSERA_VERIFY_ERROR(inspectCheckpoint(other), ErrorCode::UnsupportedModel);
    }

    void textWidthMustFeedTheUNet()
    {
        REQUIRE_LAYOUT(sd15, "sd15");
        REQUIRE_LAYOUT(refiner, "sdxl_refiner");
        // An SD 1.5 UNet (context 768) beside the refiner's bigG (1280 wide).
        std::vector<TensorDecl> mixed = without(sd15, "cond_stage_model.");
        for (const TensorDecl& t : only(refiner, "conditioner.", "conditioner."))
            mixed.push_back(t);
        TESSERA_VERIFY_ERROR(inspect(mixed), ErrorCode::UnsupportedModel);
    }
};

QTEST_GUILESS_MAIN(TestCheckpoint)
#include "tst_checkpoint.moc"

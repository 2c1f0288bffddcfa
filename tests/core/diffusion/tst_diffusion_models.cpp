// Whole checkpoints: the tiny SD 1.5 / SDXL base / SDXL refiner files (the
// real key structure, composed from the tiny components plus the extra keys
// real files carry) detected, loaded and run end to end against the
// reference: a 4-step Euler txt2img with CFG 7 and its VAE decode, with
// ComfyUI's sampling semantics. And on the real layouts: every key of every
// component is consumed by our networks (nothing missing, nothing unused).

// LibTorch headers before Qt's (Qt's "slots" macro breaks torch/nn).
#include "common/error.h"
#include "common/torch_compat.h"
#include "diffusion/checkpoint.h"
#include "diffusion/diffusion_models.h"
#include "diffusion/text/clip_text.h"
#include "diffusion/samplers/euler.h"
#include "diffusion/sampling/denoiser.h"
#include "diffusion/sampling/schedulers.h"
#include "diffusion/unet/unet.h"
#include "diffusion/vae/vae.h"

#include <c10/core/InferenceMode.h>

#include "checkpoint_layouts.h"
#include "diffusion_fixtures.h"
#include "support/error_checks.h"
#include "torch_file_writer.h"

#include <QtTest>

using namespace tessera;
using namespace tessera::sd;

namespace {

/// The extra keys real single-file checkpoints carry, which must be ignored.
StateDict realFileExtras(const std::string& clipPrefix)
{
    StateDict extra;
    extra["alphas_cumprod"] = at::ones({1000});
    extra["betas"] = at::ones({1000});
    extra["model_ema.decay"] = at::ones({});
    if (!clipPrefix.empty())
        extra[clipPrefix + "text_model.embeddings.position_ids"] = at::arange(77).to(at::kFloat).unsqueeze(0);
    return extra;
}

std::string composeFamily(const QTemporaryDir& dir, const std::string& family)
{
    const std::string clipPrefix = family == "sd15"        ? "cond_stage_model.transformer."
                                   : family == "sdxl_base" ? "conditioner.embedders.0.transformer."
                                                           : "";
    return test::composeTinyCheckpoint(dir, family, realFileExtras(clipPrefix));
}

ModelFamily expectedFamily(const std::string& family)
{
    return family == "sd15" ? ModelFamily::Sd1 : family == "sdxl_base" ? ModelFamily::SdxlBase : ModelFamily::SdxlRefiner;
}

} // namespace

class TestDiffusionModels : public QObject {
    Q_OBJECT

private slots:
    void realLayoutsAreConsumedCompletely_data()
    {
        QTest::addColumn<QString>("layout");
        QTest::newRow("sd15") << "sd15";
        QTest::newRow("sdxl_base") << "sdxl_base";
        QTest::newRow("sdxl_refiner") << "sdxl_refiner";
    }
    void realLayoutsAreConsumedCompletely()
    {
        QFETCH(QString, layout);
        const std::unique_ptr<WeightStore> store = test::checkpointLayoutStore(layout);
        if (!store)
            QSKIP("the checkpoint layouts are not in ../shared/data/checkpoint_layouts beside the checkout");
        const CheckpointLayout found = inspectCheckpoint(*store);
        // Real-size networks on the meta device: names and shapes only, no memory.
        const WeightReport report = checkDiffusionWeights(*store, found);
        QVERIFY2(report.ok(), report.message().c_str());
        QVERIFY(found.unknownKeys.empty());
    }

    void tinyCheckpointsLoadAndSampleLikeTheReference_data()
    {
        QTest::addColumn<QString>("family");
        QTest::newRow("sd15") << "sd15";
        QTest::newRow("sdxl_base") << "sdxl_base";
        QTest::newRow("sdxl_refiner") << "sdxl_refiner";
    }
    void tinyCheckpointsLoadAndSampleLikeTheReference()
    {
        QFETCH(QString, family);
        const std::string f = family.toStdString();
        QTemporaryDir dir;
        const std::unique_ptr<WeightStore> store = openWeightStore(composeFamily(dir, f));
        const CheckpointLayout layout = inspectCheckpoint(*store);
        QCOMPARE(layout.family, expectedFamily(f));
        // alphas_cumprod, betas, model_ema.decay, plus CLIP-L's position_ids and bigG's logit_scale where present.
        QCOMPARE(layout.ignoredKeys.size(), size_t(f == "sdxl_base" ? 5 : 4));
        QVERIFY(layout.unknownKeys.empty());
        QVERIFY(checkDiffusionWeights(*store, layout).ok());
        const DiffusionModels models = loadDiffusionModels(*store, layout, DiffusionLoadOptions{});
        QVERIFY(models.unet && models.vae);

        c10::InferenceMode inference;
        const DiscreteSchedule schedule = DiscreteSchedule::stableDiffusion();
        TESSERA_COMPARE_TO_REFERENCE(schedule.sigmas(), test::reference("schedule.sigmas"), 1e-7);
        const at::Tensor sigmas = karrasSigmas(4, schedule.sigmaMin(), schedule.sigmaMax());
        TESSERA_COMPARE_TO_REFERENCE(sigmas, test::reference(f + ".txt2img.sigmas"), 1e-6);

        const std::string key = f + ".txt2img.";
        UNetConditioning positive{test::reference(key + "cond"), {}}, negative{test::reference(key + "uncond"), {}};
        if (f != "sd15") {
            positive.y = test::reference(key + "y_cond");
            negative.y = test::reference(key + "y_uncond");
        }
        const Denoiser denoiser = guidedEpsDenoiser(*models.unet, schedule, positive, negative, 7.0);
        const at::Tensor noise = test::reference(key + "noise");
        int steps = 0;
        const at::Tensor latent = sampleEuler(denoiser, noisedLatent(at::zeros_like(noise), noise, sigmas[0].item<double>(), schedule),
                                              sigmas, [&](int, int, const at::Tensor&, const at::Tensor&) { ++steps; });
        QCOMPARE(steps, 4);
        TESSERA_COMPARE_TO_REFERENCE(latent, test::reference(key + "latent"), 1e-4);
        const double scale = vaeScalingFactor(layout.family);
        TESSERA_COMPARE_TO_REFERENCE(models.vae->decode(latent / scale), test::reference(key + "image"), 1e-4);
    }

    void tinyCheckpointsMatchTheReferenceOnCudaInFp16_data() { tinyCheckpointsLoadAndSampleLikeTheReference_data(); }
    void tinyCheckpointsMatchTheReferenceOnCudaInFp16()
    {
        // The gpu label's comparison: each network built on CUDA in fp16 (the
        // weights stay fp16 on the way) within 1e-2 of the fp32 reference.
        if (!cudaAvailable())
            QSKIP("no CUDA device (the full-size fp16 comparison runs with tessera-bench diffusion-verify)");
        QFETCH(QString, family);
        const std::string f = family.toStdString();
        QTemporaryDir dir;
        const std::unique_ptr<WeightStore> store = openWeightStore(composeFamily(dir, f));
        DiffusionLoadOptions options;
        options.device = DeviceSpec{DeviceKind::Cuda, 0};
        options.precision = Precision::Fp16;
        const DiffusionModels models = loadDiffusionModels(*store, inspectCheckpoint(*store), options);
        c10::InferenceMode inference;
        const std::string unet = f + ".unet.";
        const at::Tensor y = f == "sd15" ? at::Tensor() : test::reference(unet + "y");
        TESSERA_COMPARE_TO_REFERENCE(models.unet->forward(test::reference(unet + "x"), test::reference(unet + "t"),
                                                          test::reference(unet + "context"), y),
                                     test::reference(unet + "out"), 1e-2);
        TESSERA_COMPARE_TO_REFERENCE(models.vae->decode(test::reference("vae.decode.latent")),
                                     test::reference("vae.decode.out"), 1e-2);
        const at::Tensor tokensL = test::reference("text.tokens_l").to(at::kCUDA);
        if (f == "sd15")
            TESSERA_COMPARE_TO_REFERENCE(models.clipL->encode(tokensL, 0, true).hidden, test::reference("sd15.text.last"),
                                         1e-2);
        if (f != "sd15") {
            const ClipTextOutput g = models.clipG->encode(test::reference("text.tokens_g").to(at::kCUDA), 1, false);
            TESSERA_COMPARE_TO_REFERENCE(g.hidden, test::reference("sdxl.text.g_penultimate"), 1e-2);
            TESSERA_COMPARE_TO_REFERENCE(g.pooled, test::reference("sdxl.text.g_pooled"), 1e-2);
        }
    }

    void standaloneVaeSwapsIn()
    {
        QTemporaryDir dir;
        for (const std::string& prefix : {std::string("first_stage_model."), std::string()}) {
            const std::string path = test::composeCheckpoint(dir, "vae" + std::to_string(prefix.size()) + ".safetensors",
                                                             {{prefix, "vae_tiny.safetensors"}});
            const std::unique_ptr<WeightStore> store = openWeightStore(path);
            const CheckpointLayout layout = inspectCheckpoint(*store);
            QCOMPARE(layout.family, ModelFamily::VaeOnly);
            const DiffusionModels models = loadDiffusionModels(*store, layout, DiffusionLoadOptions{});
            QVERIFY(models.vae && !models.unet);
            c10::InferenceMode inference;
            TESSERA_COMPARE_TO_REFERENCE(models.vae->decode(test::reference("vae.decode.latent")),
                                         test::reference("vae.decode.out"), 1e-4);
        }
    }

    void ckptWithStateDictWrapperLoads()
    {
        // A .ckpt as ldm's training saves it: a torch zip pickle {"state_dict": {...}},
        // read through the restricted unpickler.
        QTemporaryDir dir;
        std::map<std::string, test::StoredTensor> tensors;
        for (const auto& [prefix, file] : std::vector<std::pair<std::string, std::string>>{
                 {"model.diffusion_model.", "unet_sd15_tiny.safetensors"},
                 {"cond_stage_model.transformer.", "clip_l_tiny.safetensors"}}) {
            const std::unique_ptr<WeightStore> component = openWeightStore(test::diffusionFixture(file));
            for (const std::string& key : component->keys())
                tensors[prefix + key] = test::contiguousTensor(component->read(key).to(at::kFloat));
        }
        const std::string path = test::writeFile(dir, "sd15_tiny.ckpt", test::torchZip(tensors, "state_dict"));
        const std::unique_ptr<WeightStore> store = openWeightStore(path);
        const CheckpointLayout layout = inspectCheckpoint(*store);
        QCOMPARE(layout.family, ModelFamily::Sd1);
        QVERIFY(layout.unet && layout.clipL && !layout.vae);
        const DiffusionModels models = loadDiffusionModels(*store, layout, DiffusionLoadOptions{});
        c10::InferenceMode inference;
        TESSERA_COMPARE_TO_REFERENCE(models.unet->forward(test::reference("sd15.unet.x"), test::reference("sd15.unet.t"),
                                                          test::reference("sd15.unet.context"), at::Tensor()),
                                     test::reference("sd15.unet.out"), 1e-4);
    }

    void wrongShapeNamesFileAndKey()
    {
        QTemporaryDir dir;
        StateDict extra;
        // A UNet tensor of the wrong shape, as a truncated conversion might leave.
        extra["model.diffusion_model.out.2.bias"] = at::zeros({3});
        const std::string path = test::composeCheckpoint(dir, "broken.safetensors",
                                                         {{"model.diffusion_model.", "unet_sd15_tiny.safetensors"}},
                                                         extra);
        const std::unique_ptr<WeightStore> store = openWeightStore(path);
        try {
            const CheckpointLayout layout = inspectCheckpoint(*store);
            loadDiffusionModels(*store, layout, DiffusionLoadOptions{});
            QFAIL("a wrongly shaped tensor was loaded");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::UnsupportedModel);
            QVERIFY2(QString(e.what()).contains("broken.safetensors") && QString(e.what()).contains("out.2"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestDiffusionModels)
#include "tst_diffusion_models.moc"

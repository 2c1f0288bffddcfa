// The SD 1.x / SDXL UNet: config inference on the real checkpoint layouts,
// every real key and shape on the meta device, equality with the original
// CompVis / Stability code on the tiny random-weight fixtures, SDXL's ADM
// vector, the self-attention hooks and the size check.

#include "diffusion/unet/adm.h"
#include "diffusion/unet/unet.h"
#include "diffusion/unet/unet_config.h"
#include "models/load_weights.h"
#include "models/loaders/weight_store.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/cuda.h>

#include "core/diffusion/checkpoint_layouts.h"
#include "core/diffusion/diffusion_fixtures.h"
#include "core/diffusion/unet/tiny_unet.h"
#include "support/error_checks.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

#include <memory>
#include <string>
#include <vector>

using namespace tessera;
using namespace tessera::sd;

namespace {

const std::string kUNetPrefix = "model.diffusion_model.";
constexpr double kTolerance = 1e-4;

std::string tinyUNetFile(const std::string& family)
{
    return test::diffusionFixture("unet_" + family + "_tiny.safetensors");
}

/// A metadata value of the reference outputs, parsed as JSON.
QJsonArray metadataArray(const std::string& key)
{
    const auto& metadata = test::referenceOutputs().metadata();
    const auto found = metadata.find(key);
    if (found == metadata.end())
        return {};
    return QJsonDocument::fromJson(QByteArray::fromStdString(found->second)).array();
}

/// The identity hooks' record of one call.
struct HookCall {
    bool before = false;
    SelfAttentionSite site;
    std::vector<int64_t> shape;
};

} // namespace

class TestUNet : public QObject {
    Q_OBJECT

private slots:
    void realLayouts_data()
    {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<qint64>("modelChannels");
        QTest::addColumn<QList<qint64>>("channelMult");
        QTest::addColumn<QList<qint64>>("depth");
        QTest::addColumn<qint64>("middleDepth");
        QTest::addColumn<qint64>("headsAtModelChannels"); // headsFor(model channels)
        QTest::addColumn<qint64>("contextDim");
        QTest::addColumn<qint64>("adm");
        QTest::addColumn<bool>("linear");
        QTest::newRow("sd15") << "sd15" << qint64(320) << QList<qint64>{1, 2, 4, 4} << QList<qint64>{1, 1, 1, 0}
                              << qint64(1) << qint64(8) << qint64(768) << qint64(0) << false;
        QTest::newRow("sdxl_base") << "sdxl_base" << qint64(320) << QList<qint64>{1, 2, 4} << QList<qint64>{0, 2, 10}
                                   << qint64(10) << qint64(5) << qint64(2048) << qint64(2816) << true;
        QTest::newRow("sdxl_refiner") << "sdxl_refiner" << qint64(384) << QList<qint64>{1, 2, 4, 4}
                                      << QList<qint64>{0, 4, 4, 0} << qint64(4) << qint64(6) << qint64(1280)
                                      << qint64(2560) << true;
    }

    void realLayouts()
    {
        QFETCH(QString, layout);
        const std::unique_ptr<WeightStore> store = test::checkpointLayoutStore(layout);
        if (!store)
            QSKIP("the real checkpoint layouts are not in ../shared/data/checkpoint_layouts");

        const UNetConfig config = inferUNetConfig(*store, kUNetPrefix);
        QCOMPARE(config.inChannels, 4);
        QCOMPARE(config.outChannels, 4);
        QCOMPARE(config.numResBlocks, 2);
        QTEST(qint64(config.modelChannels), "modelChannels");
        QTEST(QList<qint64>(config.channelMult.begin(), config.channelMult.end()), "channelMult");
        QTEST(QList<qint64>(config.transformerDepth.begin(), config.transformerDepth.end()), "depth");
        QTEST(qint64(config.middleTransformerDepth), "middleDepth");
        QTEST(qint64(config.headsFor(config.modelChannels)), "headsAtModelChannels");
        QTEST(qint64(config.contextDim), "contextDim");
        QTEST(qint64(config.admInChannels), "adm");
        QTEST(config.linearProjection, "linear");
        if (config.linearProjection) {
            QCOMPARE(config.headChannels, 64);
        } else {
            QCOMPARE(config.numHeads, 8);
        }

        // Every key and shape of the real UNet, without memory.
        UNetModel unet(config, at::TensorOptions().dtype(at::kHalf).device(at::kMeta));
        const WeightReport report = loadWeights(unet, *store, kUNetPrefix, LoadMode::ShapesOnly);
        QVERIFY2(report.ok(), report.message().c_str());
    }

    void inconsistentLayout()
    {
        // The sd15 fixture without input_blocks.2's transformer: level 0 would
        // have attention in one res block and not in the other.
        const std::unique_ptr<WeightStore> tiny = openWeightStore(tinyUNetFile("sd15"));
        std::vector<TensorDecl> tensors;
        for (const std::string& key : tiny->keys())
            if (key.rfind("input_blocks.2.1.", 0) != 0)
                tensors.push_back({kUNetPrefix + key, tiny->info(key).dtype, tiny->info(key).shape});
        const ShapeOnlyStore store(tensors, "broken sd15");
        try {
            inferUNetConfig(store, kUNetPrefix);
            QFAIL("expected Error(UnsupportedModel)");
        } catch (const Error& error) {
            QCOMPARE(error.code(), ErrorCode::UnsupportedModel);
            QVERIFY2(QString(error.what()).contains("model.diffusion_model.input_blocks.2.1"), error.what());
        }
        TESSERA_VERIFY_ERROR(inferUNetConfig(store, "first_stage_model."), ErrorCode::UnsupportedModel);
    }

    void tinyConfigs()
    {
        const std::unique_ptr<WeightStore> sd15 = openWeightStore(tinyUNetFile("sd15"));
        const UNetConfig config = inferUNetConfig(*sd15, "");
        QCOMPARE(config.modelChannels, 32);
        QCOMPARE(config.channelMult, (std::vector<int64_t>{1, 2, 4, 4}));
        QCOMPARE(config.transformerDepth, (std::vector<int64_t>{1, 1, 1, 0}));
        QCOMPARE(config.contextDim, 32);
        QVERIFY(!config.linearProjection);

        const std::unique_ptr<WeightStore> base = openWeightStore(tinyUNetFile("sdxl_base"));
        const UNetConfig baseConfig = inferUNetConfig(*base, "");
        QCOMPARE(baseConfig.channelMult, (std::vector<int64_t>{1, 2, 4}));
        QCOMPARE(baseConfig.transformerDepth, (std::vector<int64_t>{0, 1, 2}));
        QCOMPARE(baseConfig.middleTransformerDepth, 2);
        QCOMPARE(baseConfig.contextDim, 64);
        QCOMPARE(baseConfig.admInChannels, 1568);
        QVERIFY(baseConfig.linearProjection);
    }

    void matchesReference_data()
    {
        QTest::addColumn<QString>("family");
        QTest::newRow("sd15") << "sd15";
        QTest::newRow("sdxl_base") << "sdxl_base";
        QTest::newRow("sdxl_refiner") << "sdxl_refiner";
    }

    void matchesReference()
    {
        QFETCH(QString, family);
        const std::string f = family.toStdString();
        const std::shared_ptr<UNetModel> unet = test::loadTinyUNet(f);
        const at::Tensor y = unet->config().admInChannels > 0 ? test::reference(f + ".unet.y") : at::Tensor();
        const at::Tensor theirs = test::reference(f + ".unet.out");

        c10::InferenceMode guard;
        const at::Tensor ours = unet->forward(test::reference(f + ".unet.x"), test::reference(f + ".unet.t"),
                                              test::reference(f + ".unet.context"), y);
        qInfo("%s: relative error %.3g", f.c_str(), test::relativeError(ours, theirs));
        TESSERA_COMPARE_TO_REFERENCE(ours, theirs, kTolerance);
    }

    // Graphs on the CPU: the same eager forward. On a CUDA device: a graph per
    // shape, and a replay with new inputs equals eager on those inputs.
    void graphsReplayEagerResults()
    {
        const std::shared_ptr<UNetModel> unet = test::loadTinyUNet("sd15");
        const auto [x, t, context] = test::Sd15UNetInputs();
        c10::InferenceMode guard;
        const at::Tensor eager = unet->forward(x, t, context, at::Tensor());
        unet->setGraphCapacity(4);
        QVERIFY(at::equal(unet->forward(x, t, context, at::Tensor()), eager));
        QCOMPARE(unet->graphCount(), 0);
        unet->setGraphCapacity(0);
        if (!torch::cuda::is_available())
            QSKIP("no CUDA device: graphs are captured on CUDA only");

        const std::shared_ptr<UNetModel> gpu = test::loadTinyUNet("sd15", at::kCUDA);
        const at::Tensor xs[] = {x.cuda(), (x * 0.5 + 0.25).cuda()};
        at::Tensor eagerOut[2];
        for (int i = 0; i < 2; ++i)
            eagerOut[i] = gpu->forward(xs[i], t.cuda(), context.cuda(), at::Tensor());
        gpu->setGraphCapacity(4);
        for (int i = 0; i < 2; ++i) // the first call captures, the second replays with other inputs
            QVERIFY(at::allclose(gpu->forward(xs[i], t.cuda(), context.cuda(), at::Tensor()), eagerOut[i], 1e-5, 1e-6));
        QVERIFY2(gpu->graphFailure().empty(), gpu->graphFailure().c_str());
        QCOMPARE(gpu->graphCount(), 1);
    }

    void nonSquareLatent()
    {
        const std::shared_ptr<UNetModel> unet = test::loadTinyUNet("sd15");
        const at::Tensor theirs = test::reference("sd15.unet.out_rect");

        c10::InferenceMode guard;
        const at::Tensor ours = unet->forward(test::reference("sd15.unet.x_rect"), test::reference("sd15.unet.t_rect"),
                                              test::reference("sd15.unet.context_rect"), at::Tensor());
        qInfo("sd15 16x24: relative error %.3g", test::relativeError(ours, theirs));
        TESSERA_COMPARE_TO_REFERENCE(ours, theirs, kTolerance);
    }

    void runsInTheParameterDtype()
    {
        // bf16 parameters take fp32 inputs (cast inside) and give bf16. The
        // bound is loose: bf16 keeps 8 bits of mantissa through some forty
        // layers of random weights (about 6% measured).
        const std::unique_ptr<WeightStore> store = openWeightStore(tinyUNetFile("sdxl_base"));
        UNetModel unet(inferUNetConfig(*store, ""), at::TensorOptions().dtype(at::kBFloat16));
        loadWeights(unet, *store, "", LoadMode::Strict);
        const at::Tensor theirs = test::reference("sdxl_base.unet.out");

        c10::InferenceMode guard;
        const at::Tensor ours = unet.forward(test::reference("sdxl_base.unet.x"), test::reference("sdxl_base.unet.t"),
                                             test::reference("sdxl_base.unet.context"),
                                             test::reference("sdxl_base.unet.y"));
        QCOMPARE(ours.scalar_type(), at::kBFloat16);
        qInfo("sdxl_base in bf16: relative error %.3g", test::relativeError(ours, theirs));
        TESSERA_COMPARE_TO_REFERENCE(ours, theirs, 1e-1);
    }

    void admVectors()
    {
        // Each row has its own sizes: [[orig_h, orig_w], [crop_top, crop_left], [target_h, target_w]].
        const QJsonArray baseSizes = metadataArray("sdxl_base.sizes");
        const at::Tensor basePooled = test::reference("sdxl_base.adm.pooled");
        QCOMPARE(baseSizes.size(), basePooled.size(0));
        std::vector<at::Tensor> baseRows;
        for (int64_t row = 0; row < basePooled.size(0); ++row) {
            const QJsonArray s = baseSizes[int(row)].toArray();
            SdxlSizeConditioning sizes;
            sizes.originalHeight = s[0].toArray()[0].toInteger();
            sizes.originalWidth = s[0].toArray()[1].toInteger();
            sizes.cropTop = s[1].toArray()[0].toInteger();
            sizes.cropLeft = s[1].toArray()[1].toInteger();
            sizes.targetHeight = s[2].toArray()[0].toInteger();
            sizes.targetWidth = s[2].toArray()[1].toInteger();
            baseRows.push_back(sdxlBaseAdm(basePooled.narrow(0, row, 1), sizes));
        }
        const at::Tensor baseY = at::cat(baseRows, 0);
        qInfo("sdxl_base ADM: relative error %.3g", test::relativeError(baseY, test::reference("sdxl_base.adm.y")));
        TESSERA_COMPARE_TO_REFERENCE(baseY, test::reference("sdxl_base.adm.y"), 1e-6);

        const QJsonArray refinerSizes = metadataArray("sdxl_refiner.sizes");
        const QJsonArray scores = metadataArray("sdxl_refiner.ascore");
        const at::Tensor refinerPooled = test::reference("sdxl_refiner.adm.pooled");
        QCOMPARE(refinerSizes.size(), refinerPooled.size(0));
        QCOMPARE(scores.size(), refinerPooled.size(0));
        QCOMPARE(scores[0].toDouble(), kSdxlRefinerPositiveAestheticScore);
        QCOMPARE(scores[1].toDouble(), kSdxlRefinerNegativeAestheticScore);
        std::vector<at::Tensor> refinerRows;
        for (int64_t row = 0; row < refinerPooled.size(0); ++row) {
            const QJsonArray s = refinerSizes[int(row)].toArray();
            SdxlRefinerConditioning conditioning;
            conditioning.originalHeight = s[0].toArray()[0].toInteger();
            conditioning.originalWidth = s[0].toArray()[1].toInteger();
            conditioning.cropTop = s[1].toArray()[0].toInteger();
            conditioning.cropLeft = s[1].toArray()[1].toInteger();
            conditioning.aestheticScore = scores[int(row)].toDouble();
            refinerRows.push_back(sdxlRefinerAdm(refinerPooled.narrow(0, row, 1), conditioning));
        }
        const at::Tensor refinerY = at::cat(refinerRows, 0);
        qInfo("sdxl_refiner ADM: relative error %.3g",
              test::relativeError(refinerY, test::reference("sdxl_refiner.adm.y")));
        TESSERA_COMPARE_TO_REFERENCE(refinerY, test::reference("sdxl_refiner.adm.y"), 1e-6);
    }

    void selfAttentionHooks()
    {
        const std::shared_ptr<UNetModel> unet = test::loadTinyUNet("sd15");
        const auto [x, t, context] = test::Sd15UNetInputs();
        c10::InferenceMode guard;
        const at::Tensor plain = unet->forward(x, t, context, at::Tensor());

        std::vector<HookCall> calls;
        unet->setSelfAttentionHooks(
            [&](const at::Tensor& tokens, const SelfAttentionSite& site) {
                calls.push_back({true, site, tokens.sizes().vec()});
                return tokens;
            },
            [&](const at::Tensor& out, const SelfAttentionSite& site) {
                calls.push_back({false, site, out.sizes().vec()});
                return out;
            });
        QVERIFY(at::equal(unet->forward(x, t, context, at::Tensor()), plain));

        // sd15 tiny, 16x16 latent: one transformer block per attention; two
        // input blocks at levels 0..2, the middle block at level 3 (2x2),
        // three output blocks at levels 2..0.
        const std::vector<int> levels{0, 0, 1, 1, 2, 2, 3, 2, 2, 2, 1, 1, 1, 0, 0, 0};
        QCOMPARE(calls.size(), 2 * levels.size());
        for (size_t i = 0; i < levels.size(); ++i) {
            const int64_t side = 16 >> levels[i];
            const int64_t channels = 32 * std::vector<int64_t>{1, 2, 4, 4}[size_t(levels[i])];
            for (const HookCall& call : {calls[2 * i], calls[2 * i + 1]}) {
                QCOMPARE(call.site.level, levels[i]);
                QCOMPARE(call.site.height, side);
                QCOMPARE(call.site.width, side);
                QCOMPARE(call.shape, (std::vector<int64_t>{2, side * side, channels}));
            }
            QVERIFY(calls[2 * i].before && !calls[2 * i + 1].before);
        }

        // A HyperTile-like split (each token row attends alone) changes the
        // result but keeps the shapes; removing the hooks restores the plain output.
        unet->setSelfAttentionHooks(
            [](const at::Tensor& tokens, const SelfAttentionSite& site) {
                return tokens.reshape({-1, site.width, tokens.size(2)}); // [B * h, w, C]
            },
            [](const at::Tensor& out, const SelfAttentionSite& site) {
                return out.reshape({-1, site.height * site.width, out.size(2)}); // [B, h * w, C]
            });
        const at::Tensor split = unet->forward(x, t, context, at::Tensor());
        QCOMPARE(split.sizes().vec(), plain.sizes().vec());
        QVERIFY(!at::allclose(split, plain));
        unet->setSelfAttentionHooks({}, {});
        QVERIFY(at::equal(unet->forward(x, t, context, at::Tensor()), plain));
    }

    void takesAnyLatentSize()
    {
        // ComfyUI's UNet takes latents whose sides are not multiples of 2^(levels-1)
        // (images of any multiple of 8 pixels): downsampling rounds up and each
        // upsampling meets its skip's size. The result keeps the input's size.
        const std::shared_ptr<UNetModel> unet = test::loadTinyUNet("sd15");
        const at::Tensor context = at::randn({1, 77, 32});
        const at::Tensor t = at::full({1}, 500.0);
        c10::InferenceMode guard;
        for (const auto& [h, w] : std::vector<std::pair<int64_t, int64_t>>{{13, 10}, {17, 24}, {1, 1}}) {
            const at::Tensor out = unet->forward(at::randn({1, 4, h, w}), t, context, at::Tensor());
            QCOMPARE(out.sizes().vec(), (std::vector<int64_t>{1, 4, h, w}));
            QVERIFY(at::isfinite(out).all().item<bool>());
        }
    }

    void refusesBadInputs()
    {
        const std::shared_ptr<UNetModel> unet = test::loadTinyUNet("sd15");
        const at::Tensor context = at::zeros({1, 77, 32});
        const at::Tensor t = at::full({1}, 500.0);
        c10::InferenceMode guard;
        TESSERA_VERIFY_ERROR(unet->forward(at::zeros({1, 3, 16, 16}), t, context, at::Tensor()),
                             ErrorCode::InvalidArgument);
        // Wrong context width, a y for SD 1.x, a batch mismatch.
        TESSERA_VERIFY_ERROR(unet->forward(at::zeros({1, 4, 16, 16}), t, at::zeros({1, 77, 64}), at::Tensor()),
                             ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(unet->forward(at::zeros({1, 4, 16, 16}), t, context, at::zeros({1, 8})),
                             ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(unet->forward(at::zeros({2, 4, 16, 16}), t, context, at::Tensor()),
                             ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestUNet)
#include "tst_unet.moc"

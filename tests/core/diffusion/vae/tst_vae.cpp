// The KL autoencoder: config inference and module layout on the real SD 1.5
// / SDXL checkpoint layouts, equality with the CompVis ldm reference on the
// tiny random-weight VAE, tiled encode / decode against the whole pass (and
// against ComfyUI-style tiles that normalise on their own, to show that the
// shared GroupNorm statistics are what keeps the tiles' colour), refusals,
// cancellation and the precision fallback (on the CPU, where LibTorch 1.13
// has no fp16 convolution: a NaN weight in a bf16 model stands in for an
// fp16 overflow).

#include "common/cancel.h"
#include "common/error.h"
#include "diffusion/vae/tiled_vae.h"
#include "diffusion/vae/vae.h"
#include "diffusion/vae/vae_config.h"
#include "models/load_weights.h"
#include "tiling/tile_accumulator.h"
#include "tiling/tile_plan.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "core/diffusion/checkpoint_layouts.h"
#include "core/diffusion/diffusion_fixtures.h"
#include "support/error_checks.h"

#include <QtTest>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>

using namespace tessera;
using namespace tessera::sd;

namespace {

std::shared_ptr<VaeModel> loadTinyVae(at::ScalarType dtype)
{
    const std::unique_ptr<WeightStore> store = openWeightStore(test::diffusionFixture("vae_tiny.safetensors"));
    auto vae = std::make_shared<VaeModel>(inferVaeConfig(*store, ""), at::TensorOptions().dtype(dtype));
    loadWeights(*vae, *store, "", LoadMode::Strict, "the tiny VAE");
    return vae;
}

/// A smooth random image in (-1, 1), like the reference's: [B, 3, H, W]
at::Tensor smoothImage(int64_t batch, int64_t height, int64_t width, uint64_t seed)
{
    at::manual_seed(seed);
    const at::Tensor coarse = at::randn({batch, 3, height / 8, width / 8});
    const std::array<int64_t, 2> size{height, width};
    return at::tanh(2.0 * at::upsample_bilinear2d(coarse, size, /*align_corners=*/false));
}

at::Tensor randomLatent(int64_t batch, int64_t height, int64_t width, uint64_t seed)
{
    at::manual_seed(seed);
    return at::randn({batch, 4, height, width});
}

/// The plan decodeTiled() makes for a latent of `width` x `height`.
TilePlan decodePlan(int width, int height, const TiledVaeOptions& options, int halo)
{
    TileSettings settings;
    settings.tileSize = options.tileLatent;
    settings.overlap = options.overlapLatent;
    settings.halo = halo;
    settings.scale = 8;
    return TilePlan(width, height, settings);
}

/// ComfyUI's tiled decode: every tile (area plus halo, clipped to the latent)
/// decoded on its own, so each GroupNorm (and the mid block's attention)
/// sees only that tile; blended as decodeTiled() blends.
at::Tensor decodeEachTileAlone(const VaeModel& vae, const at::Tensor& latent, const TilePlan& plan, BlendRamp ramp)
{
    const int64_t batch = latent.size(0);
    TileAccumulator accumulator({0, 0, plan.outputWidth(), plan.outputHeight()}, int(batch * 3), at::kCPU);
    BlendWeightCache weights(ramp, at::kCPU);
    const TileRect image{0, 0, plan.imageWidth(), plan.imageHeight()};
    for (const Tile& tile : plan.tiles()) {
        const TileRect in = intersected(tile.halo, image);
        const at::Tensor y = vae.decode(latent.narrow(2, in.y, in.height).narrow(3, in.x, in.width));
        const TileRect out = plan.toOutput(tile.blend);
        const at::Tensor values = y.narrow(2, out.y - 8 * in.y, out.height).narrow(3, out.x - 8 * in.x, out.width);
        accumulator.add(out, values.reshape({-1, out.height, out.width}), weights.y(plan, tile), weights.x(plan, tile));
    }
    return accumulator.result().reshape({batch, 3, plan.outputHeight(), plan.outputWidth()});
}

/// The largest colour shift of any tile: |mean over its area of (ours - whole)|
/// per sample and channel, the largest over tiles.
double largestTileColourShift(const at::Tensor& ours, const at::Tensor& whole, const TilePlan& plan)
{
    double largest = 0.0;
    for (const Tile& tile : plan.tiles()) {
        const TileRect r = plan.toOutput(tile.area);
        const at::Tensor shift = (ours - whole).narrow(2, r.y, r.height).narrow(3, r.x, r.width).mean({2, 3});
        largest = std::max(largest, shift.abs().max().item<double>());
    }
    return largest;
}

/// A shape-only copy of the tiny VAE's index, without `dropped`.
std::unique_ptr<WeightStore> tinyLayoutWithout(const std::string& dropped)
{
    const std::unique_ptr<WeightStore> store = openWeightStore(test::diffusionFixture("vae_tiny.safetensors"));
    std::vector<TensorDecl> tensors;
    for (const std::string& key : store->keys())
        if (key != dropped)
            tensors.push_back({key, store->info(key).dtype, store->info(key).shape});
    return std::make_unique<ShapeOnlyStore>(tensors, "tiny VAE layout");
}

void poisonOutput(VaeModel& vae)
{
    vae.decoder->convOut->bias.fill_(std::numeric_limits<float>::quiet_NaN());
}

} // namespace

class TestVae : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void inferConfigRealLayouts_data();
    void inferConfigRealLayouts();
    void inferConfigTiny();
    void inferConfigRefusals();
    void receptiveRadii();
    void encodeMatchesReference();
    void decodeMatchesReference();
    void tiledDecodeEqualsWhole();
    void tiledDecodeVariants();
    void tiledEncodeEqualsWhole();
    void impossibleShapes();
    void cancelBetweenTiles();
    void overflowFallback();

private:
    std::shared_ptr<VaeModel> m_vae; ///< the tiny VAE, fp32 on the CPU
};

void TestVae::initTestCase()
{
    m_vae = loadTinyVae(at::kFloat);
}

void TestVae::inferConfigRealLayouts_data()
{
    QTest::addColumn<QString>("layout");
    QTest::newRow("sd15") << "sd15";
    QTest::newRow("sdxl_base") << "sdxl_base";
    QTest::newRow("sdxl_refiner") << "sdxl_refiner";
}

void TestVae::inferConfigRealLayouts()
{
    QFETCH(QString, layout);
    const std::unique_ptr<WeightStore> store = test::checkpointLayoutStore(layout);
    if (!store)
        QSKIP("the real checkpoint layouts (../shared/data/checkpoint_layouts) are not here");
    const VaeConfig config = inferVaeConfig(*store, "first_stage_model.");
    QCOMPARE(config.imageChannels, int64_t(3));
    QCOMPARE(config.baseChannels, int64_t(128));
    QCOMPARE(config.channelMult, (std::vector<int64_t>{1, 2, 4, 4}));
    QCOMPARE(config.numResBlocks, int64_t(2));
    QCOMPARE(config.latentChannels, int64_t(4));
    QCOMPARE(config.downscale(), int64_t(8));

    // The real-size network on the meta device: every key and shape, no memory.
    VaeModel vae(config, at::TensorOptions().device(at::kMeta));
    const WeightReport report = loadWeights(vae, *store, "first_stage_model.", LoadMode::ShapesOnly, "the VAE");
    QVERIFY2(report.ok(), report.message().c_str());
    QCOMPARE(vae.named_parameters().size(), size_t(248));
}

void TestVae::inferConfigTiny()
{
    const VaeConfig& config = m_vae->config();
    QCOMPARE(config.imageChannels, int64_t(3));
    QCOMPARE(config.baseChannels, int64_t(32));
    QCOMPARE(config.channelMult, (std::vector<int64_t>{1, 2, 4, 4}));
    QCOMPARE(config.numResBlocks, int64_t(2));
    QCOMPARE(config.latentChannels, int64_t(4));
}

void TestVae::inferConfigRefusals()
{
    // A missing decoder block, a missing quant_conv, no encoder at all: each refusal names the key.
    for (const std::string& dropped :
         {"decoder.up.2.block.2.conv1.weight", "quant_conv.weight", "encoder.conv_in.weight"}) {
        const std::unique_ptr<WeightStore> store = tinyLayoutWithout(dropped);
        try {
            inferVaeConfig(*store, "");
            QFAIL(("no refusal without " + dropped).c_str());
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::UnsupportedModel);
            const std::string message = e.what();
            QVERIFY2(message.find(dropped.substr(0, dropped.find(".block."))) != std::string::npos, e.what());
        }
    }
    // The right keys under another prefix are not this VAE.
    const std::unique_ptr<WeightStore> store = tinyLayoutWithout("");
    TESSERA_VERIFY_ERROR(inferVaeConfig(*store, "first_stage_model."), ErrorCode::UnsupportedModel);
}

void TestVae::receptiveRadii()
{
    const VaeConfig sd; // the defaults are SD's: ch 128, [1, 2, 4, 4], 2 blocks
    QCOMPARE(decoderReceptiveRadius(sd), 13);
    QCOMPARE(encoderReceptiveRadius(sd), 9);
}

void TestVae::encodeMatchesReference()
{
    c10::InferenceMode guard;
    const at::Tensor moments = m_vae->encodeMoments(test::reference("vae.image"));
    QCOMPARE(moments.sizes().vec(), (std::vector<int64_t>{1, 8, 8, 6}));
    const at::Tensor mean = moments.narrow(1, 0, 4), logvar = moments.narrow(1, 4, 4);
    qInfo("encode: mean relative error %.3g, logvar %.3g",
          test::relativeError(mean, test::reference("vae.encode.mean")),
          test::relativeError(logvar, test::reference("vae.encode.logvar")));
    TESSERA_COMPARE_TO_REFERENCE(mean, test::reference("vae.encode.mean"), 1e-4);
    TESSERA_COMPARE_TO_REFERENCE(logvar, test::reference("vae.encode.logvar"), 1e-4);
    TESSERA_COMPARE_TO_REFERENCE(m_vae->encode(test::reference("vae.image")), test::reference("vae.encode.mean"), 1e-4);
}

void TestVae::decodeMatchesReference()
{
    c10::InferenceMode guard;
    const at::Tensor out = m_vae->decode(test::reference("vae.decode.latent"));
    QCOMPARE(out.scalar_type(), at::kFloat);
    qInfo("decode: relative error %.3g", test::relativeError(out, test::reference("vae.decode.out")));
    TESSERA_COMPARE_TO_REFERENCE(out, test::reference("vae.decode.out"), 1e-4);
}

void TestVae::tiledDecodeEqualsWhole()
{
    c10::InferenceMode guard;
    const at::Tensor latent = randomLatent(1, 40, 56, 7);
    const at::Tensor whole = m_vae->decode(latent);
    TiledVaeOptions options;
    options.tileLatent = 16;
    options.overlapLatent = 4;
    const TilePlan plan = decodePlan(56, 40, options, decoderReceptiveRadius(m_vae->config()));
    QCOMPARE(plan.tileCount(), 15);
    const at::Tensor shared = decodeTiled(*m_vae, latent, options);
    qInfo("tiled decode (15 tiles of 16 latent px, halo 13): relative error %.3g", test::relativeError(shared, whole));
    TESSERA_COMPARE_TO_REFERENCE(shared, whole, 1e-4);

    // The shared statistics are what keeps each tile's colour: tiles decoded
    // on their own (ComfyUI) come out with their own mean per channel.
    const at::Tensor alone = decodeEachTileAlone(*m_vae, latent, plan, options.ramp);
    const double sharedShift = largestTileColourShift(shared, whole, plan);
    const double aloneShift = largestTileColourShift(alone, whole, plan);
    qInfo("largest per-tile colour shift: shared statistics %.3g, each tile alone %.3g (output std %.3g); "
          "relative error of the lone tiles %.3g",
          sharedShift, aloneShift, whole.std().item<double>(), test::relativeError(alone, whole));
    QVERIFY(aloneShift > 1e-2 * whole.std().item<double>());
    QVERIFY(aloneShift > 1000 * std::max(sharedShift, 1e-7));
}

void TestVae::tiledDecodeVariants()
{
    c10::InferenceMode guard;
    // Two samples, 3 x 4 tiles.
    const at::Tensor latent = randomLatent(2, 24, 32, 5);
    const at::Tensor whole = m_vae->decode(latent);
    TiledVaeOptions options;
    options.tileLatent = 12;
    options.overlapLatent = 4;
    const double error = test::relativeError(decodeTiled(*m_vae, latent, options), whole);
    qInfo("tiled decode, batch 2: relative error %.3g", error);
    QVERIFY(error <= 1e-4);

    // Tiles parked in host memory between layers give the same result.
    options.parkTilesOnCpu = true;
    TESSERA_COMPARE_TO_REFERENCE(decodeTiled(*m_vae, latent, options), whole, 1e-4);

    // The halo matters: 4 latent pixels are far below the up path's reach.
    options.haloLatent = 4;
    const double shortHalo = test::relativeError(decodeTiled(*m_vae, latent, options), whole);
    qInfo("tiled decode with a halo of 4: relative error %.3g", shortHalo);
    QVERIFY(shortHalo > 100 * std::max(error, 1e-7));
}

void TestVae::tiledEncodeEqualsWhole()
{
    c10::InferenceMode guard;
    const at::Tensor image = smoothImage(1, 320, 448, 11);
    const at::Tensor whole = m_vae->encodeMoments(image);
    TiledVaeOptions options;
    options.tileLatent = 16;
    options.overlapLatent = 4;
    const at::Tensor tiled = encodeMomentsTiled(*m_vae, image, options);
    qInfo("tiled encode (15 tiles of 16 latent px, halo 9): relative error mean %.3g, logvar %.3g",
          test::relativeError(tiled.narrow(1, 0, 4), whole.narrow(1, 0, 4)),
          test::relativeError(tiled.narrow(1, 4, 4), whole.narrow(1, 4, 4)));
    TESSERA_COMPARE_TO_REFERENCE(tiled, whole, 1e-4);
    TESSERA_COMPARE_TO_REFERENCE(encodeTiled(*m_vae, image, options), m_vae->encode(image), 1e-4);
}

void TestVae::impossibleShapes()
{
    c10::InferenceMode guard;
    TiledVaeOptions options;
    options.tileLatent = 8;
    options.overlapLatent = 2;
    // Image sides must be multiples of 8, with 3 channels, in 4 dimensions.
    TESSERA_VERIFY_ERROR(m_vae->encode(at::zeros({1, 3, 60, 48})), ErrorCode::InvalidArgument);
    TESSERA_VERIFY_ERROR(m_vae->encode(at::zeros({1, 3, 64, 44})), ErrorCode::InvalidArgument);
    TESSERA_VERIFY_ERROR(m_vae->encode(at::zeros({1, 4, 64, 48})), ErrorCode::InvalidArgument);
    TESSERA_VERIFY_ERROR(m_vae->encode(at::zeros({3, 64, 48})), ErrorCode::InvalidArgument);
    TESSERA_VERIFY_ERROR(encodeTiled(*m_vae, at::zeros({1, 3, 60, 48}), options), ErrorCode::InvalidArgument);
    // Latents have 4 channels.
    TESSERA_VERIFY_ERROR(m_vae->decode(at::zeros({1, 3, 8, 6})), ErrorCode::InvalidArgument);
    TESSERA_VERIFY_ERROR(m_vae->decode(at::zeros({4, 8, 6})), ErrorCode::InvalidArgument);
    TESSERA_VERIFY_ERROR(decodeTiled(*m_vae, at::zeros({1, 8, 8, 6}), options), ErrorCode::InvalidArgument);
    // Tile options: overlap above half the tile, a negative halo, an empty tile.
    const at::Tensor latent = at::zeros({1, 4, 16, 16});
    TiledVaeOptions wide = options;
    wide.overlapLatent = 6;
    TESSERA_VERIFY_ERROR(decodeTiled(*m_vae, latent, wide), ErrorCode::InvalidArgument);
    TiledVaeOptions negativeHalo = options;
    negativeHalo.haloLatent = -3;
    TESSERA_VERIFY_ERROR(decodeTiled(*m_vae, latent, negativeHalo), ErrorCode::InvalidArgument);
    TiledVaeOptions empty = options;
    empty.tileLatent = 0;
    TESSERA_VERIFY_ERROR(encodeTiled(*m_vae, at::zeros({1, 3, 64, 64}), empty), ErrorCode::InvalidArgument);
}

void TestVae::cancelBetweenTiles()
{
    c10::InferenceMode guard;
    TiledVaeOptions options;
    options.tileLatent = 8;
    options.overlapLatent = 2;
    for (const bool decoding : {true, false}) {
        CancelToken token;
        std::vector<Progress> reports;
        const ProgressSink sink = [&](const Progress& progress) {
            reports.push_back(progress);
            if (progress.done == 3)
                token.cancel();
        };
        if (decoding)
            TESSERA_VERIFY_ERROR(decodeTiled(*m_vae, randomLatent(1, 14, 20, 3), options, &token, &sink),
                                 ErrorCode::Cancelled);
        else
            TESSERA_VERIFY_ERROR(encodeTiled(*m_vae, smoothImage(1, 112, 160, 3), options, &token, &sink),
                                 ErrorCode::Cancelled);
        // 2 x 3 tiles; cancelled after the third tile of the first layer.
        QCOMPARE(reports.size(), size_t(3));
        QCOMPARE(reports.back().stage, std::string(decoding ? "vae decode" : "vae encode"));
        // Decoding: 2 + 4 levels x 6 block layers + 3 upsamples = 29 layers; encoding: 2 + 4 x 4 + 3 = 21.
        QCOMPARE(reports.back().total, int64_t(6 * (decoding ? 29 : 21)));
    }
}

void TestVae::overflowFallback()
{
    QCOMPARE(overflowFallbackDtype(at::kHalf, at::kCPU), at::kBFloat16);
    QCOMPARE(overflowFallbackDtype(at::kBFloat16, at::kCPU), at::kFloat);
    QCOMPARE(overflowFallbackDtype(at::kFloat, at::kCPU), at::kFloat);
    QVERIFY(m_vae->overflowFallback() == nullptr); // fp32 has none
    // An fp16 model falls back to bf16 where the device has it (LibTorch 1.13
    // has no fp16 convolution on the CPU, so the fp16 pass itself is not run here).
    const std::shared_ptr<VaeModel> half = loadTinyVae(at::kHalf);
    QCOMPARE(half->overflowFallback()->dtype(), at::kBFloat16);
    QVERIFY(half->overflowFallback()->decoder->convIn->weight.equal(half->decoder->convIn->weight.to(at::kBFloat16)));
    QVERIFY(!half->fellBack());

    const at::Tensor latent = test::reference("vae.decode.latent");
    const at::Tensor expected = test::reference("vae.decode.out");
    // bf16 working precision: finite, so no fallback; bf16 rounding only
    // (which the tiny VAE's random weights amplify to about 0.13).
    const std::shared_ptr<VaeModel> bf16 = loadTinyVae(at::kBFloat16);
    {
        c10::InferenceMode guard;
        const at::Tensor out = bf16->decode(latent);
        QCOMPARE(out.scalar_type(), at::kFloat);
        qInfo("bf16 decode: relative error %.3g", test::relativeError(out, expected));
        TESSERA_COMPARE_TO_REFERENCE(out, expected, 0.25);
        QVERIFY(!bf16->fellBack());
    }

    // A NaN bias in conv_out stands in for an fp16 overflow: the pass is redone
    // by the fallback, here a clean fp32 model the caller supplied, and later
    // passes (whole and tiled) go to it directly.
    poisonOutput(*bf16);
    bf16->setOverflowFallback(m_vae);
    {
        c10::InferenceMode guard;
        TESSERA_COMPARE_TO_REFERENCE(bf16->decode(latent), expected, 1e-4);
        QVERIFY(bf16->fellBack());
        TiledVaeOptions options;
        options.tileLatent = 4;
        options.overlapLatent = 2;
        TESSERA_COMPARE_TO_REFERENCE(decodeTiled(*bf16, latent, options), expected, 1e-4);
    }

    // Without a supplied fallback the model copies its own weights to fp32
    // (the poison too, so the result stays NaN: fp32 is the last resort).
    const std::shared_ptr<VaeModel> poisoned = loadTinyVae(at::kBFloat16);
    poisonOutput(*poisoned);
    {
        c10::InferenceMode guard;
        const at::Tensor out = poisoned->decode(latent);
        QVERIFY(poisoned->fellBack());
        QVERIFY(at::isnan(out).any().item<bool>());
    }
    const std::shared_ptr<const VaeModel> copy = poisoned->overflowFallback();
    QCOMPARE(copy->dtype(), at::kFloat);
    const at::Tensor& copied = copy->decoder->up[1].blocks[2]->conv2->weight;
    QVERIFY(copied.equal(poisoned->decoder->up[1].blocks[2]->conv2->weight.to(at::kFloat)));
    QVERIFY(copy->overflowFallback() == nullptr);
}

QTEST_GUILESS_MAIN(TestVae)
#include "tst_vae.moc"

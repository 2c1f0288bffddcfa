// HyperTile: random_divisor on the seed document's example and its edge
// cases, the tile rearrangement (exact round trip; each tile is the spatial
// crop of the token grid), windowed attention equal to attention run tile by
// tile, nh = nw = 1 leaving the UNet's output bit-identical, reproducible
// choices from a seed, and which UNets max_depth reaches.

// LibTorch headers before Qt's (Qt's "slots" macro breaks torch/nn).
#include "common/error.h"
#include "diffusion/nn/attention.h"
#include "diffusion/unet/hypertile.h"
#include "diffusion/unet/unet.h"
#include "diffusion/unet/unet_config.h"
#include "models/load_weights.h"
#include "models/loaders/weight_store.h"

#include <c10/core/InferenceMode.h>

#include "core/diffusion/diffusion_fixtures.h"
#include "core/diffusion/unet/tiny_unet.h"
#include "support/error_checks.h"

#include <QtTest>

#include <set>

using namespace tessera;
using namespace tessera::sd;

namespace {

} // namespace

class TestHyperTile : public QObject {
    Q_OBJECT

private slots:
    void randomDivisorOnTheSeedsExample()
    {
        // value 12, min 2, 3 options: divisors >= 2 are 2 3 4 6 12; the first
        // three give the quotients 6, 4, 3, and every one of them is drawn.
        std::mt19937_64 generator(1);
        std::set<int64_t> drawn;
        for (int i = 0; i < 200; ++i)
            drawn.insert(randomDivisor(12, 2, 3, generator));
        QCOMPARE(drawn, (std::set<int64_t>{6, 4, 3}));
        // One option: always the largest quotient.
        QCOMPARE(randomDivisor(12, 2, 1, generator), int64_t(6));
        QCOMPARE(randomDivisor(192, 32, 1, generator), int64_t(6)); // 1536 px at tile 256: 32-token tiles
    }

    void randomDivisorEdgeCases()
    {
        std::mt19937_64 generator(1);
        QCOMPARE(randomDivisor(5, 8, 2, generator), int64_t(1));  // min above value: clamped to it
        QCOMPARE(randomDivisor(13, 2, 4, generator), int64_t(1)); // a prime: only itself
        QCOMPARE(randomDivisor(1, 1, 3, generator), int64_t(1));
        std::set<int64_t> drawn;
        for (int i = 0; i < 100; ++i)
            drawn.insert(randomDivisor(64, 32, 2, generator)); // divisors 32, 64 -> 2, 1
        QCOMPARE(drawn, (std::set<int64_t>{2, 1}));
        TESSERA_VERIFY_ERROR(randomDivisor(0, 1, 1, generator), ErrorCode::InvalidArgument);
    }

    void tilesAreCropsAndRoundTrip()
    {
        const HyperTileSplit split{3, 2, 4, 5}; // 12 x 10 grid in 3 x 2 tiles of 4 x 5
        const at::Tensor tokens = at::randn({2, 12 * 10, 7});
        const at::Tensor tiles = splitIntoTiles(tokens, split);
        QCOMPARE(tiles.sizes().vec(), (std::vector<int64_t>{2 * 6, 20, 7}));
        QVERIFY(joinTiles(tiles, split).equal(tokens));
        const at::Tensor grid = tokens.reshape({2, 12, 10, 7});
        for (int64_t b = 0; b < 2; ++b)
            for (int64_t i = 0; i < 3; ++i)
                for (int64_t j = 0; j < 2; ++j) {
                    const at::Tensor crop = grid[b].slice(0, 4 * i, 4 * i + 4).slice(1, 5 * j, 5 * j + 5).reshape({20, 7});
                    QVERIFY(tiles[(b * 3 + i) * 2 + j].equal(crop));
                }
    }

    void windowedAttentionEqualsAttentionPerTile()
    {
        // Attention over the split batch equals attention run on each crop alone.
        const HyperTileSplit split{2, 2, 4, 4};
        const at::Tensor tokens = at::randn({1, 64, 16});
        c10::InferenceMode guard;
        const at::Tensor tiles = splitIntoTiles(tokens, split);
        const at::Tensor windowed = joinTiles(multiHeadAttention(tiles, tiles, tiles, 2, false), split);
        const at::Tensor grid = tokens.reshape({8, 8, 16});
        const at::Tensor out = windowed.reshape({8, 8, 16});
        for (int64_t i = 0; i < 2; ++i)
            for (int64_t j = 0; j < 2; ++j) {
                const at::Tensor crop = grid.slice(0, 4 * i, 4 * i + 4).slice(1, 4 * j, 4 * j + 4).reshape({1, 16, 16});
                const at::Tensor alone = multiHeadAttention(crop, crop, crop, 2, false).reshape({4, 4, 16});
                QVERIFY(at::allclose(out.slice(0, 4 * i, 4 * i + 4).slice(1, 4 * j, 4 * j + 4), alone, 1e-6, 1e-6));
            }
    }

    void oneTileIsTheIdentity()
    {
        // Latent 16x16 with a 32-token latent tile: nh = nw = 1 at every level,
        // so the patched UNet gives exactly the unpatched output.
        const std::shared_ptr<UNetModel> unet = test::loadTinyUNet("sd15");
        const auto [x, t, context] = test::Sd15UNetInputs();
        c10::InferenceMode guard;
        const at::Tensor plain = unet->forward(x, t, context, at::Tensor());
        HyperTileOptions options;
        options.maxDepth = 3;
        auto hyperTile = std::make_shared<HyperTile>(options);
        hyperTile->apply(*unet);
        QVERIFY(unet->forward(x, t, context, at::Tensor()).equal(plain));
        HyperTile::remove(*unet);
    }

    void tilingChangesTheOutputReproducibly()
    {
        // Tile size 1 px -> max(32, 1) / 8 = 4 latent tokens on the 16x16
        // latent: level 0 is cut into 4 or 2 tiles per side (swap 2). Same
        // seed, same output; removing the patch restores the plain output.
        const std::shared_ptr<UNetModel> unet = test::loadTinyUNet("sd15");
        const auto [x, t, context] = test::Sd15UNetInputs();
        c10::InferenceMode guard;
        const at::Tensor plain = unet->forward(x, t, context, at::Tensor());
        HyperTileOptions options;
        options.tileSize = 1; // max(32, 1) / 8 = 4 tokens
        options.seed = 7;
        auto run = [&] {
            std::make_shared<HyperTile>(options)->apply(*unet);
            at::Tensor out = unet->forward(x, t, context, at::Tensor());
            HyperTile::remove(*unet);
            return out;
        };
        const at::Tensor first = run();
        QCOMPARE(first.sizes().vec(), plain.sizes().vec());
        QVERIFY(!first.equal(plain));
        QVERIFY(run().equal(first));
        QVERIFY(unet->forward(x, t, context, at::Tensor()).equal(plain));

        // The choices themselves: 16 rows, min 4, two options -> 4 or 2 tiles per side.
        HyperTile chooser(options);
        std::set<int64_t> counts;
        for (int i = 0; i < 50; ++i)
            counts.insert(chooser.chooseSplit(SelfAttentionSite{0, 16, 16}).nh);
        QCOMPARE(counts, (std::set<int64_t>{4, 2}));
        QCOMPARE(chooser.chooseSplit(SelfAttentionSite{1, 8, 8}).nh, int64_t(1)); // deeper than max_depth 0
    }

    void maxDepthZeroDoesNothingOnSdxl()
    {
        UNetConfig sd15; // level 0 has attention
        UNetConfig sdxl;
        sdxl.channelMult = {1, 2, 4};
        sdxl.transformerDepth = {0, 2, 10};
        sdxl.middleTransformerDepth = 10;
        HyperTileOptions options;
        QVERIFY(hyperTileReachesAttention(sd15, options));
        QVERIFY(!hyperTileReachesAttention(sdxl, options));
        options.maxDepth = 1;
        QVERIFY(hyperTileReachesAttention(sdxl, options));
    }

    void refusesOptionsOutOfRange()
    {
        HyperTileOptions options;
        options.tileSize = 0;
        TESSERA_VERIFY_ERROR(HyperTile{options}, ErrorCode::InvalidArgument);
        options = {};
        options.swapSize = 129;
        TESSERA_VERIFY_ERROR(HyperTile{options}, ErrorCode::InvalidArgument);
        options = {};
        options.maxDepth = 11;
        TESSERA_VERIFY_ERROR(HyperTile{options}, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestHyperTile)
#include "tst_hypertile.moc"

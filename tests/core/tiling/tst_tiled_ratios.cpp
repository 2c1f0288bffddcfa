// The tiled runner at scales other than an integer upscale: a /8 "encoder"
// (VAE encode), an x8 "decoder" (VAE decode) and 1:1 latent tiles. Tiled ==
// whole image when the halo covers the receptive radius, through the one
// accumulator, including the out-of-memory split.

#include "common/error.h"
#include "core/tiling/test_models.h"
#include "support/error_checks.h"
#include "tiling/tile_preview.h"
#include "tiling/tiled_runner.h"

#include <QtTest>

#include <stdexcept>

using namespace tessera;
using namespace tessera::test;

class TestTiledRatios : public QObject {
    Q_OBJECT
private slots:
    void encoderTiledEqualsWhole_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("tile");
        QTest::addColumn<int>("overlap");
        QTest::addColumn<int>("halo");
        QTest::addColumn<int>("batch");
        QTest::newRow("200x136 S64 O16 P8") << 200 << 136 << 64 << 16 << 8 << 1;
        QTest::newRow("rounded up: S60 O5 P3 -> 64, 8, 8") << 200 << 136 << 60 << 5 << 3 << 1;
        QTest::newRow("default overlap and halo, batch 2") << 256 << 96 << 48 << -1 << -1 << 2;
        QTest::newRow("one tile") << 64 << 40 << 512 << -1 << 8 << 1;
    }

    void encoderTiledEqualsWhole()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, tile);
        QFETCH(int, overlap);
        QFETCH(int, halo);
        QFETCH(int, batch);
        const TileModel encoder = makeEncoderModel(31);
        const Image image = makeTestImage(width, height, 3, 8);
        TiledOptions options;
        options.tileSize = tile;
        options.overlap = overlap;
        options.halo = halo;
        options.batch = batch;
        options.sinkChunkRows = 3;
        TiledReport report;
        const Image tiled = upscaleImage(image, encoder, options, {}, {}, &report);
        QCOMPARE(tiled.width(), width / 8);
        QCOMPARE(tiled.height(), height / 8);
        QCOMPARE(tiled.channels(), 4);
        QCOMPARE(report.halo, 8);
        QCOMPARE(report.tileSize % 8, 0);
        const double diff = maxDifference(imageToTensor(tiled), wholeImageReference(image, encoder, 8));
        QVERIFY2(diff <= 1e-5, qPrintable(QString("max difference %1").arg(diff)));
    }

    void encoderHaloBelowRadiusShowsSeams()
    {
        // The check above can fail: with no halo the tile borders differ.
        const TileModel encoder = makeEncoderModel(31);
        const Image image = makeTestImage(200, 136, 3, 8);
        TiledOptions options;
        options.tileSize = 64;
        options.overlap = 0;
        options.halo = 0;
        const double diff = maxDifference(imageToTensor(upscaleImage(image, encoder, options)),
                                          wholeImageReference(image, encoder, 8));
        QVERIFY2(diff > 1e-3, qPrintable(QString("max difference only %1").arg(diff)));
    }

    void encoderNeedsSidesOfMultiplesOfEight()
    {
        const Image image = makeTestImage(201, 136, 3, 8);
        TiledOptions options;
        options.tileSize = 64;
        TESSERA_VERIFY_ERROR(upscaleImage(image, makeEncoderModel(31), options), ErrorCode::InvalidArgument);
    }

    void decoderTiledEqualsWhole_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("tile");
        QTest::addColumn<int>("overlap");
        QTest::addColumn<int>("halo");
        QTest::addColumn<int>("ramp");
        QTest::newRow("37x29 S16 O4 P1") << 37 << 29 << 16 << 4 << 1 << int(BlendRamp::Smoothstep);
        QTest::newRow("linear, halo 2") << 37 << 29 << 12 << 6 << 2 << int(BlendRamp::Linear);
        QTest::newRow("no overlap") << 40 << 24 << 8 << 0 << 1 << int(BlendRamp::Gaussian);
    }

    void decoderTiledEqualsWhole()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, tile);
        QFETCH(int, overlap);
        QFETCH(int, halo);
        QFETCH(int, ramp);
        const TileModel decoder = makeDecoderModel(17);
        const Image latent = makeTestImage(width, height, 4, 9);
        TiledOptions options;
        options.tileSize = tile;
        options.overlap = overlap;
        options.halo = halo;
        options.ramp = BlendRamp(ramp);
        options.sinkChunkRows = 50;
        TiledReport report;
        const Image tiled = upscaleImage(latent, decoder, options, {}, {}, &report);
        QVERIFY(report.tiles > 1);
        QCOMPARE(tiled.width(), width * 8);
        QCOMPARE(tiled.height(), height * 8);
        QCOMPARE(tiled.channels(), 3);
        const double diff = maxDifference(imageToTensor(tiled), wholeImageReference(latent, decoder, 1));
        QVERIFY2(diff <= 1e-5, qPrintable(QString("max difference %1").arg(diff)));
    }

    void latentTilesOneToOne()
    {
        // 1:1 on 4 channels with a multiple of 8, like a UNet over latent tiles.
        TileModel model = makeConvModel(4, 1, 2, 8, 23);
        model.inputMultiple = 8;
        const Image latent = makeTestImage(70, 45, 4, 10);
        TiledOptions options;
        options.tileSize = 24;
        options.overlap = 6;
        options.halo = 2;
        const Image tiled = upscaleImage(latent, model, options);
        const double diff = maxDifference(imageToTensor(tiled), wholeImageReference(latent, model, 2));
        QVERIFY2(diff <= 1e-5, qPrintable(QString("max difference %1").arg(diff)));
    }

    void encoderSplitsOnOutOfMemory()
    {
        // Padded tiles wider than 60 input pixels "do not fit": each tile of 64
        // runs in parts of 32, on multiples of 8, and the result is the same.
        TileModel encoder = makeEncoderModel(31);
        auto inner = encoder.forward;
        encoder.forward = [inner](const at::Tensor& x) {
            if (x.size(3) > 60)
                throw std::runtime_error("CUDA out of memory. Tried to allocate 2.00 GiB (simulated)");
            return inner(x);
        };
        const Image image = makeTestImage(200, 136, 3, 8);
        TiledOptions options;
        options.tileSize = 64;
        options.overlap = 16;
        options.halo = 8;
        TiledReport report;
        const Image tiled = upscaleImage(image, encoder, options, {}, {}, &report);
        QCOMPARE(report.splitTiles, report.tiles);
        QCOMPARE(report.smallestTileSize, 32);
        const double diff = maxDifference(imageToTensor(tiled), wholeImageReference(image, makeEncoderModel(31), 8));
        QVERIFY2(diff <= 1e-5, qPrintable(QString("max difference %1").arg(diff)));
    }

    void decoderPreviewMatchesRun()
    {
        const TileModel decoder = makeDecoderModel(17);
        const Image latent = makeTestImage(37, 29, 4, 9);
        TiledOptions options;
        options.tileSize = 16;
        options.overlap = 4;
        options.halo = 1;
        const Image full = upscaleImage(latent, decoder, options);
        const TilePlan plan(37, 29, resolveTileSettings(decoder, options, 37, 29));
        PreviewRequest request;
        request.tile = plan.columns() + 1;
        const TilePreview preview = previewTile(latent, plan, decoder, request);
        const TileRect r = preview.outputRect;
        QCOMPARE(r, plan.toOutput(plan.tiles()[size_t(request.tile)].area));
        const at::Tensor expected = imageToTensor(full).narrow(2, r.y, r.height).narrow(3, r.x, r.width);
        QVERIFY(maxDifference(imageToTensor(preview.pixels), expected) <= 1e-6);
    }
};

QTEST_GUILESS_MAIN(TestTiledRatios)
#include "tst_tiled_ratios.moc"

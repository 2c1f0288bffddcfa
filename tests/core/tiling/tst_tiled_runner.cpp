// Tiled inference end to end with models built here: tiled == whole image
// when the halo covers the receptive radius, streaming, out-of-memory retry,
// cancellation, channel handling.

#include "common/error.h"
#include "core/tiling/test_models.h"
#include "tiling/tile_preview.h"
#include "tiling/tiled_runner.h"

#include <QtTest>

#include <cstring>
#include <stdexcept>

using namespace tessera;
using namespace tessera::test;

namespace {

at::Tensor toTensor(const Image& image)
{
    return imageToTensor(image);
}

/// Records what reaches the sink, checking rows come in order.
class RecordingSink : public RowSink {
public:
    void begin(int width, int height, int channels) override
    {
        image = Image(width, height, channels);
        ++begins;
    }
    void writeRows(int y, int rowCount, const float* pixels) override
    {
        if (y != nextRow)
            throw std::logic_error("rows out of order");
        std::memcpy(image.row(y), pixels, sizeof(float) * size_t(rowCount) * image.width() * image.channels());
        nextRow += rowCount;
        ++calls;
        if (firstRowsAtTile < 0)
            firstRowsAtTile = tilesDone;
    }
    Image image;
    int begins = 0;
    int nextRow = 0;
    int calls = 0;
    int tilesDone = 0;
    int firstRowsAtTile = -1;
};

/// Serves an image, checking rows are asked for once, in increasing order.
class SequentialSource : public ImageRowSource {
public:
    explicit SequentialSource(const Image& image) : ImageRowSource(image) {}
    void readRows(int y, int rowCount, float* pixels) override
    {
        if (y < nextRow)
            throw std::logic_error("row read twice or out of order");
        nextRow = y + rowCount;
        ImageRowSource::readRows(y, rowCount, pixels);
    }
    int nextRow = 0;
};

/// Wraps a model so that forward() throws like LibTorch does when out of memory.
TileModel failingWhen(TileModel model, std::function<bool(const at::Tensor&)> fails)
{
    auto inner = model.forward;
    model.forward = [inner, fails](const at::Tensor& x) {
        if (fails(x))
            throw std::runtime_error("CUDA out of memory. Tried to allocate 2.00 GiB (simulated)");
        return inner(x);
    };
    return model;
}

} // namespace

class TestTiledRunner : public QObject {
    Q_OBJECT
private slots:
    void reflectPadMatchesTorch()
    {
        at::manual_seed(1);
        at::Tensor x = at::rand({1, 2, 5, 7});
        at::Tensor ours = tessera::detail::reflectPad(x, 2, 3, 1, 4);
        at::Tensor theirs = at::reflection_pad2d(x, {2, 3, 1, 4});
        QVERIFY(at::equal(ours, theirs));
        // Wider than the image: repeated reflection; 1 pixel: replication.
        at::Tensor one = at::full({1, 1, 1, 1}, 0.25);
        QVERIFY(at::equal(tessera::detail::reflectPad(one, 3, 3, 3, 3), at::full({1, 1, 7, 7}, 0.25)));
        at::Tensor row = at::arange(3, at::kFloat).view({1, 1, 1, 3});
        at::Tensor wide = tessera::detail::reflectPad(row, 5, 0, 0, 0);
        // index -5..2 over size 3 -> 1 0 1 2 1 0 1 2
        QVERIFY(at::equal(wide.flatten(), at::tensor({1.f, 0.f, 1.f, 2.f, 1.f, 0.f, 1.f, 2.f})));
    }

    void tiledEqualsWholeImage_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("tile");
        QTest::addColumn<int>("overlap");
        QTest::addColumn<int>("halo");
        QTest::addColumn<int>("scale");
        QTest::addColumn<int>("multiple");
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("ramp");
        const int smooth = int(BlendRamp::Smoothstep);
        QTest::newRow("1x1 x2") << 1 << 1 << 16 << 2 << 3 << 2 << 1 << 1 << smooth;
        QTest::newRow("257x131 x1") << 257 << 131 << 64 << 6 << 3 << 1 << 1 << 1 << smooth;
        QTest::newRow("257x131 x2") << 257 << 131 << 64 << 6 << 4 << 2 << 1 << 1 << smooth;
        QTest::newRow("257x131 x3 linear") << 257 << 131 << 64 << 6 << 3 << 3 << 1 << 1 << int(BlendRamp::Linear);
        QTest::newRow("257x131 x4 gaussian") << 257 << 131 << 48 << 12 << 5 << 4 << 1 << 2 << int(BlendRamp::Gaussian);
        QTest::newRow("width below tile") << 20 << 150 << 64 << 6 << 3 << 2 << 1 << 1 << smooth;
        QTest::newRow("tile does not divide") << 100 << 70 << 30 << 3 << 3 << 2 << 1 << 1 << smooth;
        QTest::newRow("no overlap") << 100 << 70 << 32 << 0 << 3 << 2 << 1 << 1 << smooth;
        QTest::newRow("batch 3") << 130 << 90 << 32 << 4 << 3 << 1 << 1 << 3 << smooth;
        QTest::newRow("multiple of 4") << 101 << 67 << 32 << 3 << 4 << 2 << 4 << 1 << smooth;
        QTest::newRow("halo wider than tile") << 40 << 30 << 8 << 2 << 12 << 2 << 1 << 1 << smooth;
        QTest::newRow("3x2 image, halo 5") << 3 << 2 << 16 << 2 << 5 << 3 << 1 << 1 << smooth;
    }

    void tiledEqualsWholeImage()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, tile);
        QFETCH(int, overlap);
        QFETCH(int, halo);
        QFETCH(int, scale);
        QFETCH(int, multiple);
        QFETCH(int, batch);
        QFETCH(int, ramp);
        TileModel model = makeConvModel(3, scale, 3, 42);
        if (multiple > 1) {
            model.inputMultiple = multiple;
            model = failingWhen(model, [](const at::Tensor&) { return false; });
            auto inner = model.forward;
            model.forward = [inner, multiple](const at::Tensor& x) {
                if (x.size(2) % multiple || x.size(3) % multiple)
                    throw std::logic_error("input not a multiple of the model's multiple");
                return inner(x);
            };
        }
        const Image image = makeTestImage(width, height, 3, 7);
        TiledOptions options;
        options.tileSize = tile;
        options.overlap = overlap;
        options.halo = halo;
        options.batch = batch;
        options.ramp = BlendRamp(ramp);
        TiledReport report;
        const Image tiled = upscaleImage(image, model, options, {}, {}, &report);
        QCOMPARE(tiled.width(), width * scale);
        QCOMPARE(tiled.height(), height * scale);
        const at::Tensor reference = wholeImageReference(image, model, 3);
        const double diff = maxDifference(toTensor(tiled), reference);
        QVERIFY2(diff <= 1e-5, qPrintable(QString("max difference %1").arg(diff)));
        QCOMPARE(report.halo, halo);
        QCOMPARE(report.splitTiles, 0);
    }

    void haloBelowRadiusShowsSeams()
    {
        const TileModel model = makeConvModel(3, 2, 3, 42);
        const Image image = makeTestImage(257, 131, 3, 7);
        const at::Tensor reference = wholeImageReference(image, model, 3);
        TiledOptions options;
        options.tileSize = 64;
        options.overlap = 0;
        options.halo = 1;
        const double diff = maxDifference(toTensor(upscaleImage(image, model, options)), reference);
        QVERIFY2(diff > 1e-3, qPrintable(QString("max difference only %1").arg(diff)));
    }

    void greyAndAlphaChannels()
    {
        const TileModel rgbModel = makeConvModel(3, 2, 3, 5);
        TiledOptions options;
        options.tileSize = 40;
        options.overlap = 4;
        options.halo = 3;
        // Grey image through an RGB model: replicated in, averaged out.
        const Image grey = makeTestImage(70, 50, 1, 3);
        Image greyRgb(70, 50, 3);
        for (int y = 0; y < 50; ++y)
            for (int x = 0; x < 70; ++x)
                for (int c = 0; c < 3; ++c)
                    greyRgb.at(x, y, c) = grey.at(x, y, 0);
        const Image greyOut = upscaleImage(grey, rgbModel, options);
        QCOMPARE(greyOut.channels(), 1);
        const at::Tensor greyRef = wholeImageReference(greyRgb, rgbModel, 3).mean(1, true);
        QVERIFY(maxDifference(toTensor(greyOut), greyRef) <= 1e-5);

        // RGBA, alpha through the model as a grey image.
        const Image rgba = makeTestImage(70, 50, 4, 9);
        Image rgb(70, 50, 3), alphaRgb(70, 50, 3);
        for (int y = 0; y < 50; ++y)
            for (int x = 0; x < 70; ++x)
                for (int c = 0; c < 3; ++c) {
                    rgb.at(x, y, c) = rgba.at(x, y, c);
                    alphaRgb.at(x, y, c) = rgba.at(x, y, 3);
                }
        options.alpha = AlphaMode::Model;
        const at::Tensor out = toTensor(upscaleImage(rgba, rgbModel, options));
        QCOMPARE(out.size(1), int64_t(4));
        QVERIFY(maxDifference(out.narrow(1, 0, 3), wholeImageReference(rgb, rgbModel, 3)) <= 1e-5);
        QVERIFY(maxDifference(out.narrow(1, 3, 1), wholeImageReference(alphaRgb, rgbModel, 3).mean(1, true)) <= 1e-5);

        // Alpha resized separately: the same whatever the tiling, within [0, 1].
        options.alpha = AlphaMode::Resize;
        const at::Tensor resized = toTensor(upscaleImage(rgba, rgbModel, options));
        options.tileSize = 512;
        const at::Tensor single = toTensor(upscaleImage(rgba, rgbModel, options));
        QVERIFY(maxDifference(resized, single) <= 1e-5);
        QVERIFY(resized.narrow(1, 3, 1).min().item<float>() >= 0.0f);
        QVERIFY(resized.narrow(1, 3, 1).max().item<float>() <= 1.0f);
        QVERIFY(maxDifference(resized.narrow(1, 0, 3), wholeImageReference(rgb, rgbModel, 3)) <= 1e-5);

        // RGB through a grey model: each channel on its own.
        const TileModel greyModel = makeConvModel(1, 2, 2, 6);
        options.tileSize = 32;
        const at::Tensor perChannel = toTensor(upscaleImage(rgb, greyModel, options));
        QCOMPARE(perChannel.size(1), int64_t(3));
        Image green(70, 50, 1);
        for (int y = 0; y < 50; ++y)
            for (int x = 0; x < 70; ++x)
                green.at(x, y, 0) = rgb.at(x, y, 1);
        QVERIFY(maxDifference(perChannel.narrow(1, 1, 1), wholeImageReference(green, greyModel, 3)) <= 1e-5);

        // A channel count the model cannot take is a clear error.
        const TileModel twoChannel = makeConvModel(2, 1, 1, 1);
        QVERIFY_THROWS_EXCEPTION(Error, upscaleImage(rgb, twoChannel, options));
    }

    void previewMatchesFullRun()
    {
        // The GUI's one-tile preview must show exactly what the full run blends there.
        const TileModel model = makeConvModel(3, 2, 3, 13);
        const Image image = makeTestImage(150, 110, 3, 5);
        TiledOptions options;
        options.tileSize = 48;
        options.overlap = 8;
        options.halo = 2; // below the radius: seams show, and must show identically
        const Image full = upscaleImage(image, model, options);
        const TilePlan plan(150, 110, {48, 8, 2, 2, 1});
        for (int index : {0, 4, plan.tileCount() - 1}) {
            const TilePreview preview = previewTile(image, plan, index, model, options.ramp, options.alpha);
            const TileRect r = preview.outputRect;
            QCOMPARE(r, plan.toOutput(plan.tiles()[size_t(index)].area));
            const at::Tensor expected = toTensor(full).narrow(2, r.y, r.height).narrow(3, r.x, r.width);
            QVERIFY(maxDifference(toTensor(preview.pixels), expected) <= 1e-6);
        }
    }

    void twoTileFormulaHolds()
    {
        // Two tiles [0, 32) and [24, 56): the band is [24, 32).
        for (BlendRamp ramp : {BlendRamp::Linear, BlendRamp::Smoothstep, BlendRamp::Gaussian}) {
            auto calls = std::make_shared<int>(0);
            TileModel model;
            model.forward = [calls](const at::Tensor& x) {
                const float value = (*calls)++ == 0 ? 0.2f : 0.9f;
                return at::full(x.sizes(), value, x.options());
            };
            TiledOptions options;
            options.tileSize = 32;
            options.overlap = 8;
            options.halo = 0;
            options.ramp = ramp;
            const Image out = upscaleImage(Image(56, 10, 3), model, options);
            QCOMPARE(*calls, 2);
            const std::vector<float> m = rampWeights(ramp, 8);
            for (int x = 0; x < 56; ++x) {
                const double expected = x < 24 ? 0.2 : x >= 32 ? 0.9 : 0.2 * (1.0 - m[size_t(x - 24)]) + 0.9 * m[size_t(x - 24)];
                for (int y = 0; y < 10; ++y)
                    QVERIFY2(std::abs(out.at(x, y, 1) - expected) <= 1e-6,
                             qPrintable(QString("x=%1: %2 vs %3").arg(x).arg(out.at(x, y, 1)).arg(expected)));
            }
        }
    }

    void streamedEqualsInMemory()
    {
        const TileModel model = makeConvModel(3, 2, 3, 11);
        const Image image = makeTestImage(150, 170, 3, 4);
        TiledOptions options;
        options.tileSize = 40;
        options.overlap = 6;
        options.halo = 3;
        const Image inMemory = upscaleImage(image, model, options);

        SequentialSource source(image);
        RecordingSink sink;
        options.sinkChunkRows = 7;
        const TiledReport report = runTiled(source, sink, model, options, {},
                                            [&](const Progress& p) { sink.tilesDone = int(p.done); });
        QCOMPARE(sink.begins, 1);
        QCOMPARE(sink.nextRow, inMemory.height());
        QCOMPARE(source.nextRow, image.height());
        // Rows reached the sink long before the last tile: it streams.
        QVERIFY(sink.firstRowsAtTile >= 1 && sink.firstRowsAtTile <= report.tiles / 2);
        QVERIFY(sink.calls > report.tiles / 4);
        QVERIFY(std::memcmp(sink.image.data(), inMemory.data(),
                            sizeof(float) * size_t(inMemory.pixelCount()) * 3) == 0);
    }

    void outOfMemorySplitsAndRetries()
    {
        const TileModel model = makeConvModel(3, 2, 3, 21);
        const Image image = makeTestImage(257, 131, 3, 8);
        const at::Tensor reference = wholeImageReference(image, model, 3);
        TiledOptions options;
        options.tileSize = 64;
        options.overlap = 6;
        options.halo = 3;

        // Every padded tile above 50 pixels is too big: all run in halves.
        TiledReport report;
        const TileModel big = failingWhen(model, [](const at::Tensor& x) { return x.size(3) > 50; });
        const at::Tensor split = toTensor(upscaleImage(image, big, options, {}, {}, &report));
        QVERIFY(maxDifference(split, reference) <= 1e-5);
        QCOMPARE(report.splitTiles, report.tiles);
        QCOMPARE(report.smallestTileSize, 32);
        QVERIFY(!report.notes.empty());

        // Only the third forward call fails: the rest of the tiles are redone in parts.
        auto calls = std::make_shared<int>(0);
        const TileModel once = failingWhen(model, [calls](const at::Tensor&) { return ++*calls == 3; });
        const at::Tensor retried = toTensor(upscaleImage(image, once, options, {}, {}, &report));
        QVERIFY(maxDifference(retried, reference) <= 1e-5);
        QVERIFY(report.splitTiles > 0 && report.splitTiles < report.tiles);

        // A batch that does not fit drops to one tile at a time first.
        options.batch = 3;
        const TileModel batched = failingWhen(model, [](const at::Tensor& x) { return x.size(0) > 1; });
        const at::Tensor single = toTensor(upscaleImage(image, batched, options, {}, {}, &report));
        QVERIFY(maxDifference(single, reference) <= 1e-5);
        QCOMPARE(report.splitTiles, 0);
        QVERIFY(!report.notes.empty());

        // Nothing fits: a clear OutOfMemory error.
        const TileModel never = failingWhen(model, [](const at::Tensor&) { return true; });
        try {
            upscaleImage(image, never, options);
            QFAIL("expected an out-of-memory error");
        } catch (const Error& error) {
            QCOMPARE(error.code(), ErrorCode::OutOfMemory);
        }
    }

    void cancelStopsBetweenBatches()
    {
        auto calls = std::make_shared<int>(0);
        TileModel model = makeConvModel(3, 2, 2, 3);
        model = failingWhen(model, [calls](const at::Tensor&) { ++*calls; return false; });
        const Image image = makeTestImage(200, 200, 3, 1);
        TiledOptions options;
        options.tileSize = 32;
        CancelToken cancel;
        ImageRowSource source(image);
        RecordingSink sink;
        try {
            runTiled(source, sink, model, options, cancel, [&](const Progress& p) {
                if (p.done >= 2)
                    cancel.cancel();
            });
            QFAIL("expected Cancelled");
        } catch (const Error& error) {
            QCOMPARE(error.code(), ErrorCode::Cancelled);
        }
        QCOMPARE(*calls, 2);
        QVERIFY(sink.nextRow < sink.image.height());
    }

    void badArguments()
    {
        const Image image = makeTestImage(10, 10, 3, 1);
        TiledOptions options;
        options.tileSize = 8;
        QVERIFY_THROWS_EXCEPTION(Error, upscaleImage(image, TileModel{}, options));
        options.batch = 0;
        QVERIFY_THROWS_EXCEPTION(Error, upscaleImage(image, makeConvModel(3, 1, 1, 1), options));
        options.batch = 1;
        options.overlap = 5;
        QVERIFY_THROWS_EXCEPTION(Error, upscaleImage(image, makeConvModel(3, 1, 1, 1), options));
        // A model returning the wrong shape is named, not a crash.
        TileModel wrong = makeConvModel(3, 1, 1, 1);
        wrong.scale = 2;
        options.overlap = 0;
        QVERIFY_THROWS_EXCEPTION(Error, upscaleImage(image, wrong, options));
        QVERIFY_THROWS_EXCEPTION(Error, parseAlphaMode("keep"));
    }

    void autoTileSizeFollowsMemory()
    {
        TileModel model = makeConvModel(3, 2, 1, 1);
        std::vector<std::string> notes;
        const int size = autoTileSize(model, 32, &notes);
        QVERIFY(size == 128 || size == 256 || size == 512 || size == 1024 || size == 2048);
        QCOMPARE(int(notes.size()), 1);
        // A model that costs a lot per pixel gets smaller tiles.
        model.bytesPerPixel = int64_t(1) << 30;
        QCOMPARE(autoTileSize(model, 32), 64);
        // Auto tile size in a run: the output is still exact.
        model.bytesPerPixel = 0;
        const Image image = makeTestImage(37, 29, 3, 2);
        TiledOptions options;
        options.halo = 1;
        TiledReport report;
        const Image out = upscaleImage(image, model, options, {}, {}, &report);
        QCOMPARE(report.tileSize, size);
        QVERIFY(maxDifference(toTensor(out), wholeImageReference(image, model, 1)) <= 1e-5);
    }
};

QTEST_GUILESS_MAIN(TestTiledRunner)
#include "tst_tiled_runner.moc"

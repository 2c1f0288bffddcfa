// Tiled inference end to end with models built here: tiled == whole image
// when the halo covers the receptive radius, streaming, out-of-memory retry,
// cancellation, channel handling.

#include "common/error.h"
#include "common/torch_compat.h"
#include "core/tiling/test_models.h"
#include "support/error_checks.h"
#include "tiling/tile_preview.h"
#include "tiling/tiled_runner.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

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

/// Stores 8-bit samples, as an 8-bit file's sink does: the runner rounds.
class ByteSink : public RowSink {
public:
    void begin(int width, int height, int channels) override
    {
        rowBytes = size_t(width) * size_t(channels);
        bytes.assign(rowBytes * size_t(height), 0);
    }
    void writeRows(int, int, const float*) override { throw std::logic_error("float rows for a byte sink"); }
    int storedBits() const override { return 8; }
    void writeBytes(int y, int rowCount, const uint8_t* samples) override
    {
        if (y != nextRow)
            throw std::logic_error("rows out of order");
        std::memcpy(bytes.data() + size_t(y) * rowBytes, samples, rowBytes * size_t(rowCount));
        nextRow += rowCount;
    }
    std::vector<uint8_t> bytes;
    size_t rowBytes = 0;
    int nextRow = 0;
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

/// An 8-bit source: its rows as bytes (readBytes, which the runner takes)
/// and as their floats (readRows), checking bytes come once, in order.
class ByteSource : public RowSource {
public:
    ByteSource(int width, int height, int channels) : m_width(width), m_height(height), m_channels(channels)
    {
        bytes.resize(size_t(width) * height * channels);
        for (size_t i = 0; i < bytes.size(); ++i)
            bytes[i] = uint8_t((i * 37 + i / 7) % 256);
        floats = Image(width, height, channels);
        for (size_t i = 0; i < bytes.size(); ++i)
            floats.data()[i] = float(bytes[i]) * kByteToFloat;
    }
    int width() const override { return m_width; }
    int height() const override { return m_height; }
    int channels() const override { return m_channels; }
    void readRows(int, int, float*) override { throw std::logic_error("float rows from a byte source"); }
    int storedBits() const override { return 8; }
    void readBytes(int y, int rowCount, uint8_t* samples) override
    {
        if (y < nextRow)
            throw std::logic_error("row read twice or out of order");
        nextRow = y + rowCount;
        const size_t rowBytes = size_t(m_width) * m_channels;
        std::memcpy(samples, bytes.data() + size_t(y) * rowBytes, rowBytes * size_t(rowCount));
    }
    std::vector<uint8_t> bytes;
    Image floats; ///< what readRows would give
    int nextRow = 0;

private:
    int m_width, m_height, m_channels;
};

} // namespace

class TestTiledRunner : public QObject {
    Q_OBJECT
private slots:
    void reflectPadMatchesTorch()
    {
        at::manual_seed(1);
        at::Tensor x = at::rand({1, 2, 5, 7});
        using tessera::detail::reflectWindow;
        // Padding by (left 2, right 3, top 1, bottom 4) is the window {-2, -1, 7 + 5, 5 + 5}.
        at::Tensor ours = reflectWindow(x, {-2, -1, 12, 10});
        at::Tensor theirs = at::reflection_pad2d(x, {2, 3, 1, 4});
        QVERIFY(at::equal(ours, theirs));
        // Wider than the image: repeated reflection; 1 pixel: replication.
        at::Tensor one = at::full({1, 1, 1, 1}, 0.25);
        QVERIFY(at::equal(reflectWindow(one, {-3, -3, 7, 7}), at::full({1, 1, 7, 7}, 0.25)));
        at::Tensor row = at::arange(3, at::kFloat).view({1, 1, 1, 3});
        at::Tensor wide = reflectWindow(row, {-5, 0, 8, 1});
        // index -5..2 over size 3 -> 1 0 1 2 1 0 1 2
        QVERIFY(at::equal(wide.flatten(), at::tensor({1.f, 0.f, 1.f, 2.f, 1.f, 0.f, 1.f, 2.f})));
        // A band holding image rows [2, 5) of a 5-row image, HWC seen as [C, rows, W]:
        // the window's rows reflect about the image, not the band.
        at::Tensor band = x[0].narrow(1, 2, 3);
        at::Tensor fromBand = reflectWindow(band, {-1, 3, 9, 4}, 5, 2);
        QVERIFY(at::equal(fromBand, theirs[0].narrow(1, 4, 4).narrow(2, 1, 9)));
        TESSERA_VERIFY_ERROR(reflectWindow(band, {0, 0, 3, 3}, 5, 2), ErrorCode::Internal);
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
        TileModel model = makeConvModel(3, scale, 3, 8, 42);
        if (multiple > 1) {
            model.inputMultiple = multiple;
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
        const TileModel model = makeConvModel(3, 2, 3, 8, 42);
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
        const TileModel rgbModel = makeConvModel(3, 2, 3, 8, 5);
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
        const TileModel greyModel = makeConvModel(1, 2, 2, 8, 6);
        options.tileSize = 32;
        const at::Tensor perChannel = toTensor(upscaleImage(rgb, greyModel, options));
        QCOMPARE(perChannel.size(1), int64_t(3));
        Image green(70, 50, 1);
        for (int y = 0; y < 50; ++y)
            for (int x = 0; x < 70; ++x)
                green.at(x, y, 0) = rgb.at(x, y, 1);
        QVERIFY(maxDifference(perChannel.narrow(1, 1, 1), wholeImageReference(green, greyModel, 3)) <= 1e-5);

        // A channel count the model cannot take is a clear error.
        const TileModel twoChannel = makeConvModel(2, 1, 1, 8, 1);
        TESSERA_VERIFY_ERROR(upscaleImage(rgb, twoChannel, options), ErrorCode::InvalidArgument);
    }

    void previewMatchesFullRun()
    {
        // The GUI's one-tile preview must show exactly what the full run blends there.
        const TileModel model = makeConvModel(3, 2, 3, 8, 13);
        const Image image = makeTestImage(150, 110, 3, 5);
        TiledOptions options;
        options.tileSize = 48;
        options.overlap = 8;
        options.halo = 2; // below the radius: seams show, and must show identically
        const Image full = upscaleImage(image, model, options);
        const TilePlan plan(150, 110, {48, 8, 2, 2, 1});
        for (int index : {0, 4, plan.tileCount() - 1}) {
            PreviewRequest request;
            request.tile = index;
            request.ramp = options.ramp;
            const TilePreview preview = previewTile(image, plan, model, request);
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
        const TileModel model = makeConvModel(3, 2, 3, 8, 11);
        const Image image = makeTestImage(150, 170, 3, 4);
        const TiledOptions options = streamingOptions();
        const Image inMemory = upscaleImage(image, model, options);

        SequentialSource source(image);
        RecordingSink sink;
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

    // A sink storing bytes gets the float run's rows rounded by OpenImageIO's
    // rule, in order, on every row.
    void byteSinkGetsTheRoundedRows()
    {
        const TileModel model = makeConvModel(3, 2, 3, 8, 11);
        const Image image = makeTestImage(150, 170, 3, 4);
        const TiledOptions options = streamingOptions();
        const Image floats = upscaleImage(image, model, options);
        SequentialSource source(image);
        ByteSink sink;
        runTiled(source, sink, model, options);
        QCOMPARE(sink.nextRow, floats.height());
        const size_t count = size_t(floats.pixelCount()) * 3;
        int outOfRange = 0;
        for (size_t i = 0; i < count; ++i) {
            const float v = floats.data()[i];
            float scaled = v * 255.0f;
            scaled += 0.5f;
            const int expected = !(scaled > 0.0f) ? 0 : scaled >= 255.0f ? 255 : int(scaled);
            outOfRange += v < 0.0f || v > 1.0f;
            if (sink.bytes[i] != expected)
                QFAIL(qPrintable(QString("sample %1: %2 rounded to %3, not %4").arg(i).arg(v).arg(sink.bytes[i]).arg(expected)));
        }
        QVERIFY(outOfRange > 0); // the random model's output leaves [0, 1]: clamping is tested too
    }

    // An 8-bit source's rows travel as bytes and become floats where the
    // model runs: the output is the float rows' output, bit for bit, over
    // several bands (the next band's rows read ahead), with alpha too.
    void byteSourceGivesTheFloatRowsOutput_data()
    {
        QTest::addColumn<int>("channels");
        QTest::newRow("rgb") << 3;
        QTest::newRow("rgba") << 4;
    }

    void byteSourceGivesTheFloatRowsOutput()
    {
        QFETCH(int, channels);
        const TileModel model = makeConvModel(3, 2, 3, 8, 11);
        ByteSource source(150, 170, channels);
        TiledOptions options = streamingOptions();
        options.replaceNonFinite = true; // bytes are finite: nothing to replace, and no pass over them
        const Image expected = upscaleImage(source.floats, model, options);
        RecordingSink sink;
        const TiledReport report = runTiled(source, sink, model, options);
        QVERIFY(report.tiles > 4);
        QCOMPARE(report.nonFinitePixels, int64_t(0));
        QCOMPARE(source.nextRow, source.height());
        QCOMPARE(sink.nextRow, expected.height());
        QVERIFY(std::memcmp(sink.image.data(), expected.data(),
                            sizeof(float) * size_t(expected.pixelCount()) * size_t(expected.channels())) == 0);
    }

    // On a GPU the byte rows of the bands after the first are read and
    // uploaded ahead on a copy stream: the output is the CPU run's, over
    // many bands, up to the devices' convolution rounding.
    void byteRowsUploadedAheadOnCuda()
    {
        if (!cudaAvailable())
            QSKIP("no CUDA device");
        ByteSource cpuSource(150, 170, 3), cudaSource(150, 170, 3);
        const TileModel cpuModel = makeConvModel(3, 2, 3, 8, 11);
        const TileModel cudaModel = makeConvModel(3, 2, 3, 8, 11, DeviceSpec{DeviceKind::Cuda, 0});
        TiledOptions options = streamingOptions();
        RecordingSink onCpu, onCuda;
        runTiled(cpuSource, onCpu, cpuModel, options);
        const TiledReport report = runTiled(cudaSource, onCuda, cudaModel, options);
        QVERIFY(report.tiles > 4);
        QCOMPARE(cudaSource.nextRow, cudaSource.height());
        float worst = 0.0f;
        for (size_t i = 0; i < size_t(onCpu.image.pixelCount()) * 3; ++i)
            worst = std::max(worst, std::abs(onCpu.image.data()[i] - onCuda.image.data()[i]));
        QVERIFY2(worst <= 1e-3f, qPrintable(QString("largest difference %1").arg(worst))); // TF32 convolutions
    }

    void outOfMemorySplitsAndRetries()
    {
        const TileModel model = makeConvModel(3, 2, 3, 8, 21);
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
        TileModel model = makeConvModel(3, 2, 2, 8, 3);
        auto inner = model.forward;
        model.forward = [inner, calls](const at::Tensor& x) {
            ++*calls;
            return inner(x);
        };
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
        TESSERA_VERIFY_ERROR(upscaleImage(image, TileModel{}, options), ErrorCode::InvalidArgument);
        options.batch = 0;
        TESSERA_VERIFY_ERROR(upscaleImage(image, makeConvModel(3, 1, 1, 8, 1), options),
                             ErrorCode::InvalidArgument);
        options.batch = 1;
        options.overlap = 5;
        TESSERA_VERIFY_ERROR(upscaleImage(image, makeConvModel(3, 1, 1, 8, 1), options),
                             ErrorCode::InvalidArgument);
        // A model returning the wrong shape is named, not a crash.
        TileModel wrong = makeConvModel(3, 1, 1, 8, 1);
        wrong.scale = 2;
        options.overlap = 0;
        TESSERA_VERIFY_ERROR(upscaleImage(image, wrong, options), ErrorCode::InvalidModel);
        TESSERA_VERIFY_ERROR(parseAlphaMode("keep"), ErrorCode::InvalidArgument);
    }

    void autoTileSizeFollowsMemory()
    {
        constexpr int64_t GiB = int64_t(1) << 30;
        AutoTileInput in;
        in.halo = 32;
        in.width = 1024;
        in.height = 1024;
        in.freeBytes = 16 * GiB;
        std::vector<std::string> notes;
        // Cost unknown: the design table (512 for 16 GB), balanced over the image.
        QCOMPARE(autoTileSize(in, &notes), balancedTileSize(512, 1024, 1024, -1));
        QCOMPARE(int(notes.size()), 1);
        QVERIFY(QString::fromStdString(notes.back()).contains("balanced from 512"));
        // The whole padded image (1088^2 pixels) fits half of 16 GB: one tile.
        in.bytesPerPixel = 4000;
        QCOMPARE(autoTileSize(in, &notes), 1024);
        QVERIFY(QString::fromStdString(notes.back()).contains("one tile"));
        in.width = 1000;
        in.height = 700;
        QCOMPARE(autoTileSize(in), 1000);
        // It does not fit: the table, halved until a padded tile fits.
        in.bytesPerPixel = 40000; // 1064 x 764 x 40 kB = 32 GB > 8 GB
        // (512 + 64)^2 x 40 kB = 13 GB; (256 + 64)^2 x 40 kB = 4.1 GB
        QCOMPARE(autoTileSize(in), balancedTileSize(256, 1000, 700, -1));
        in.bytesPerPixel = int64_t(1) << 30;
        QCOMPARE(autoTileSize(in), balancedTileSize(64, 1000, 700, -1));
        // Free memory unknown.
        in.freeBytes = 0;
        QCOMPARE(autoTileSize(in), 512);
        // Measured free memory: some size of the table, or the whole image.
        in.freeBytes = -1;
        in.bytesPerPixel = 0;
        const int measured = autoTileSize(in);
        bool fromTable = false;
        for (int size : {128, 256, 512, 1024, 2048})
            fromTable = fromTable || measured == balancedTileSize(size, in.width, in.height, -1);
        QVERIFY(fromTable);
    }

    void balancedTilesKeepTheCountAndComputeLess()
    {
        // A 4096 side in tiles of 2048 (overlap 10%) takes 3; the balanced side
        // is the smallest that still takes 3, and one pixel less takes 4.
        const auto count = [](int side, int tile) {
            TileSettings settings;
            settings.tileSize = tile;
            settings.halo = 0;
            return TilePlan(side, side, settings).columns();
        };
        const int balanced = balancedTileSize(2048, 4096, 4096, -1);
        QVERIFY(balanced < 2048);
        QCOMPARE(count(4096, balanced), count(4096, 2048));
        QCOMPARE(count(4096, 2048), 3);
        QVERIFY(count(4096, balanced - 1) > 3);
        // A given overlap, a wide image: each side keeps its own count.
        const int wide = balancedTileSize(512, 3000, 600, 64);
        TileSettings settings;
        settings.tileSize = wide;
        settings.overlap = 64;
        const TilePlan plan(3000, 600, settings);
        settings.tileSize = 512;
        const TilePlan before(3000, 600, settings);
        QCOMPARE(plan.columns(), before.columns());
        QCOMPARE(plan.rows(), before.rows());
        QVERIFY(wide <= 512);
        // An image inside one tile keeps the size.
        QCOMPARE(balancedTileSize(512, 300, 200, -1), 512);
    }

    void autoTileSizeIsThePlanOfTheRun()
    {
        TileModel model = makeConvModel(3, 2, 1, 8, 1);
        const Image image = makeTestImage(37, 29, 3, 2);
        TiledOptions options;
        options.halo = 1;
        // A small model cost: the whole image is one tile, chosen without running the model.
        model.bytesPerPixel = 1000;
        const TileSettings resolved = resolveTileSettings(model, options, 37, 29);
        QCOMPARE(resolved.tileSize, 37);
        QCOMPARE(resolved.halo, 1);
        QCOMPARE(resolved.scale, ScaleRatio(2));
        TiledReport report;
        Image out = upscaleImage(image, model, options, {}, {}, &report);
        QCOMPARE(report.tileSize, resolved.tileSize);
        QCOMPARE(report.tiles, 1);
        QVERIFY(maxDifference(toTensor(out), wholeImageReference(image, model, 1)) <= 1e-5);
        // A resolved size passed back in gives the same plan; a given size is used as is.
        options.tileSize = 16;
        QCOMPARE(resolveTileSettings(model, options, 37, 29).tileSize, 16);
        out = upscaleImage(image, model, options, {}, {}, &report);
        QCOMPARE(report.tileSize, 16);
        QCOMPARE(report.tiles, TilePlan(37, 29, resolveTileSettings(model, options, 37, 29)).tileCount());
        QVERIFY(maxDifference(toTensor(out), wholeImageReference(image, model, 1)) <= 1e-5);
        // Unknown cost: the table's size, the same in the plan and the run.
        model.bytesPerPixel = 0;
        options.tileSize = 0;
        const int table = resolveTileSettings(model, options, 37, 29).tileSize;
        out = upscaleImage(image, model, options, {}, {}, &report);
        QCOMPARE(report.tileSize, table);
    }

    void previewStages()
    {
        // Halo 3 = the model's radius: every stage shows the pixels of the full run
        // wherever the focus tile's weight is 1.
        const TileModel model = makeConvModel(3, 2, 3, 8, 13);
        const Image image = makeTestImage(150, 110, 3, 5);
        const TilePlan plan(150, 110, {48, 8, 3, 2, 1});
        const int index = plan.columns() + 1; // an inner tile: neighbours on every side
        const Tile& tile = plan.tiles()[size_t(index)];
        QVERIFY(tile.rampLeft > 0 && tile.rampTop > 0 && tile.rampRight > 0 && tile.rampBottom > 0);
        PreviewRequest request;
        request.tile = index;
        const TilePreview blended = previewTile(image, plan, model, request);
        QVERIFY(blended.tilesRun >= 9);
        const at::Tensor blendedPixels = toTensor(blended.pixels);
        // Output pixels of `rect` in the blended preview.
        auto blendedAt = [&](const TileRect& rect) {
            return blendedPixels.narrow(2, rect.y - blended.outputRect.y, rect.height)
                .narrow(3, rect.x - blended.outputRect.x, rect.width);
        };
        // Where the tile's weight is 1: its blend region without the ramps.
        const TileRect full{tile.blend.x + tile.rampLeft, tile.blend.y + tile.rampTop,
                            tile.blend.width - tile.rampLeft - tile.rampRight,
                            tile.blend.height - tile.rampTop - tile.rampBottom};

        request.stage = PreviewStage::Tile;
        const TilePreview alone = previewTile(image, plan, model, request);
        QCOMPARE(alone.outputRect, plan.toOutput(tile.area));
        QCOMPARE(alone.tilesRun, 1);
        const TileRect fullOut = plan.toOutput(full);
        const at::Tensor aloneInner = toTensor(alone.pixels)
                                          .narrow(2, fullOut.y - alone.outputRect.y, fullOut.height)
                                          .narrow(3, fullOut.x - alone.outputRect.x, fullOut.width);
        QVERIFY(maxDifference(aloneInner, blendedAt(fullOut)) <= 1e-5);

        // A window around the cursor, inside the weight-1 part: the same pixels.
        request.stage = PreviewStage::Window;
        request.windowSize = 16;
        request.cursorX = full.x + full.width / 2;
        request.cursorY = full.y + full.height / 2;
        const TilePreview window = previewTile(image, plan, model, request);
        QCOMPARE(window.tilesRun, 1);
        QCOMPARE(window.outputRect.width, 32);
        QCOMPARE(window.outputRect.height, 32);
        QVERIFY(intersected(window.outputRect, fullOut) == window.outputRect);
        QVERIFY(maxDifference(toTensor(window.pixels), blendedAt(window.outputRect)) <= 1e-5);

        // The cursor outside the tile: the window moves inside the tile's area.
        request.cursorX = 0;
        request.cursorY = 1000;
        request.windowSize = 192; // larger than the tile: the tile's side
        const TilePreview clamped = previewTile(image, plan, model, request);
        QCOMPARE(clamped.outputRect, plan.toOutput(tile.area));

        // Cancelled before the model runs; a tile outside the plan is refused.
        CancelToken cancel;
        cancel.cancel();
        TESSERA_VERIFY_ERROR(previewTile(image, plan, model, request, cancel), ErrorCode::Cancelled);
        request.tile = plan.tileCount();
        TESSERA_VERIFY_ERROR(previewTile(image, plan, model, request), ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestTiledRunner)
#include "tst_tiled_runner.moc"

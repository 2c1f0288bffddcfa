// The tile queue over several devices, with several copies of one model on
// the CPU standing in for GPUs: the output equals one model's bit for bit
// whichever copy ran which tile; every copy gets tiles; out-of-memory on a
// copy, a copy's error and a cancel behave as on one device.

#include "common/device.h"
#include "common/error.h"
#include "core/tiling/test_models.h"
#include "support/error_checks.h"
#include "tiling/tiled_runner.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace tessera;
using namespace tessera::test;

namespace {

/// `model` counting its forward calls into `calls`, each taking at least
/// `pause` so that every worker finds tiles left to take.
TileModel counted(TileModel model, std::shared_ptr<std::atomic<int>> calls,
                  std::chrono::milliseconds pause = std::chrono::milliseconds(2))
{
    auto inner = model.forward;
    model.forward = [inner, calls, pause](const at::Tensor& x) {
        ++*calls;
        std::this_thread::sleep_for(pause);
        return inner(x);
    };
    return model;
}

at::Tensor upscaled(const Image& image, const std::vector<TileModel>& models, const TiledOptions& options,
                    TiledReport* report = nullptr, const CancelToken& cancel = {}, const ProgressSink& progress = {})
{
    ImageRowSource source(image);
    ImageRowSink sink;
    const TiledReport result = runTiled(source, sink, models, options, cancel, progress);
    if (report)
        *report = result;
    return imageToTensor(sink.take());
}

} // namespace

class TestTileQueue : public QObject {
    Q_OBJECT
private slots:
    void severalQueuesEqualOne_data()
    {
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("queues");
        QTest::newRow("rgb, 2 queues") << 3 << 1 << 2;
        QTest::newRow("rgba, 3 queues, batches of 2") << 4 << 2 << 3;
        QTest::newRow("grey, 2 queues, batches of 3") << 1 << 3 << 2;
    }
    void severalQueuesEqualOne()
    {
        QFETCH(int, channels);
        QFETCH(int, batch);
        QFETCH(int, queues);
        const TileModel model = makeConvModel(channels == 1 ? 1 : 3, 2, 3, 8, 42);
        const Image image = makeTestImage(257, 131, channels, 7);
        TiledOptions options = streamingOptions();
        options.batch = batch;
        TiledReport one;
        auto oneCalls = std::make_shared<std::atomic<int>>(0);
        const at::Tensor expected = upscaled(image, {counted(model, oneCalls)}, options, &one);
        std::vector<std::shared_ptr<std::atomic<int>>> calls;
        std::vector<TileModel> models;
        for (int i = 0; i < queues; ++i) {
            calls.push_back(std::make_shared<std::atomic<int>>(0));
            models.push_back(counted(model, calls.back()));
        }
        TiledReport spread;
        const at::Tensor result = upscaled(image, models, options, &spread);
        QVERIFY(at::equal(result, expected));
        QCOMPARE(spread.tiles, one.tiles);
        int total = 0;
        for (const auto& count : calls) {
            QVERIFY2(*count > 0, "a queue got no tiles");
            total += *count;
        }
        QCOMPARE(total, int(*oneCalls)); // the same batches, spread
    }

    // The first copy is slow, the second fast: the fast one takes more tiles,
    // and the image does not change.
    void freeQueueTakesTheNextTile()
    {
        const TileModel model = makeConvModel(3, 2, 2, 8, 5);
        const Image image = makeTestImage(300, 200, 3, 3);
        const TiledOptions options = streamingOptions();
        const at::Tensor expected = upscaled(image, {model}, options);
        auto slowCalls = std::make_shared<std::atomic<int>>(0);
        auto fastCalls = std::make_shared<std::atomic<int>>(0);
        const at::Tensor result = upscaled(image,
                                           {counted(model, slowCalls, std::chrono::milliseconds(20)),
                                            counted(model, fastCalls, std::chrono::milliseconds(0))},
                                           options);
        QVERIFY(at::equal(result, expected));
        QVERIFY2(*fastCalls > *slowCalls,
                 qPrintable(QString("fast %1, slow %2").arg(int(*fastCalls)).arg(int(*slowCalls))));
    }

    // A copy that runs out of memory for whole tiles: those tiles are redone
    // in parts by the first model, the image is the one-device image.
    void outOfMemoryOnAQueueSplitsThere()
    {
        const TileModel model = makeConvModel(3, 2, 3, 8, 21);
        const Image image = makeTestImage(257, 131, 3, 8);
        TiledOptions options;
        options.tileSize = 64;
        options.overlap = 6;
        options.halo = 3;
        const at::Tensor expected = upscaled(image, {model}, options);
        const TileModel small = failingWhen(model, [](const at::Tensor& x) { return x.size(3) > 50; });
        TiledReport report;
        const at::Tensor result = upscaled(image, {model, small}, options, &report);
        QVERIFY(maxDifference(result, expected) <= 1e-5);
        QVERIFY(report.splitTiles > 0);
        QVERIFY(!report.notes.empty());
    }

    void aQueueErrorNamesTheTile()
    {
        const TileModel model = makeConvModel(3, 2, 2, 8, 9);
        // The working queue holds its first tile until the broken one has
        // failed, so that the broken queue surely gets the other tile (else a
        // fast worker may take both and nothing fails).
        std::atomic<bool> failed{false};
        TileModel broken = model;
        broken.forward = [&failed](const at::Tensor&) -> at::Tensor {
            failed = true;
            throw Error(ErrorCode::InvalidModel, "broken.pth: the model computes NaN");
        };
        TileModel waiting = model;
        waiting.forward = [&failed, inner = model.forward](const at::Tensor& x) {
            for (int i = 0; i < 2000 && !failed; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return inner(x);
        };
        const Image image = makeTestImage(128, 64, 3, 2);
        TiledOptions options;
        options.tileSize = 64;
        options.overlap = 0;
        options.halo = 2;
        const Outcome outcome = outcomeOf([&] { upscaled(image, {broken, waiting}, options); });
        QCOMPARE(outcome.code, ErrorCode::InvalidModel);
        QVERIFY2(outcome.message.startsWith("broken.pth: the model computes NaN for tile "), qPrintable(outcome.message));
        QVERIFY2(outcome.message.endsWith(", 64 x 64 px)"), qPrintable(outcome.message));
    }

    // Cancel while the queues hold tiles: Cancelled, promptly, and the
    // threads are gone (the run returns at all).
    void cancelWhileQueued()
    {
        const TileModel model = makeConvModel(3, 2, 2, 8, 3);
        auto calls = std::make_shared<std::atomic<int>>(0);
        const std::vector<TileModel> models{counted(model, calls), counted(model, calls)};
        const Image image = makeTestImage(400, 400, 3, 1);
        TiledOptions options;
        options.tileSize = 32;
        CancelToken cancel;
        const auto start = std::chrono::steady_clock::now();
        const Outcome outcome = outcomeOf([&] {
            upscaled(image, models, options, nullptr, cancel, [&](const Progress& p) {
                if (p.done >= 3)
                    cancel.cancel();
            });
        });
        QCOMPARE(outcome.code, ErrorCode::Cancelled);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        QVERIFY2(seconds < 5.0, qPrintable(QString::number(seconds)));
        // About two tile rows were queued (13 tiles each), far from the plan's 169.
        QVERIFY2(*calls < 60, qPrintable(QString::number(int(*calls))));
    }

    void autoTileSizeGivesEachDeviceTwoTiles()
    {
        AutoTileInput in;
        in.freeBytes = int64_t(64) << 30;
        in.bytesPerPixel = 1000;
        in.width = 2048;
        in.height = 2048;
        in.halo = 16;
        QCOMPARE(autoTileSize(in), 2048); // one device: the whole image
        in.devices = 2;
        std::vector<std::string> notes;
        const int size = autoTileSize(in, &notes);
        TileSettings settings;
        settings.tileSize = size;
        settings.halo = 16;
        const TilePlan plan(2048, 2048, settings);
        QVERIFY2(plan.tileCount() >= 4, qPrintable(QString::number(plan.tileCount())));
        QCOMPARE(plan.tileCount(), 4); // 2 x 2: the largest tiles that give two each
        QVERIFY(!notes.empty() && notes.back().find("2 devices") != std::string::npos);
    }

    void devicesParse()
    {
        const std::vector<DeviceSpec> two = parseDevices("cuda:0,1");
        QCOMPARE(int(two.size()), 2);
        QVERIFY((two[0] == DeviceSpec{DeviceKind::Cuda, 0}));
        QVERIFY((two[1] == DeviceSpec{DeviceKind::Cuda, 1}));
        QCOMPARE(int(parseDevices("cpu").size()), 1);
        QCOMPARE(int(parseDevices("cuda:3").size()), 1);
        QVERIFY(parseDevices("cuda:all").size() >= 1);
        QCOMPARE(parseDevices("cuda:all").front().index, 0);
        for (const char* bad : {"cuda:1,1", "cuda:0,", "cuda:0,x", "cpu,cuda", "cuda:,1"})
            QCOMPARE(outcomeOf([&] { parseDevices(bad); }).code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestTileQueue)
#include "tst_tile_queue.moc"

// Upscales that must stop, refuse or report instead of writing something
// wrong (issue 10), on small model files written here: the cancel token a job
// installs reaches the model's forward (torch and ncnn); outputs with NaN or
// infinity fail naming the model and the tile; NaN/Inf input pixels follow
// the documented rule and are counted; impossible settings are refused in
// one line before any tile runs.

#include "common/cancel_scope.h"
#include "common/error.h"
#include "common/finite_values.h"
#include "pipeline/finite_pixels.h"
#include "pipeline/plan_limits.h"
#include "pipeline/upscale_job.h"
#include "tiling/finite_rows.h"
#include "support/error_checks.h"
#include "support/model_files.h"

#include <torch/cuda.h>

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <thread>
#include <vector>

using namespace tessera;
using tessera::test::outcomeOf;
using tessera::test::Outcome;

namespace {

Image filled(int width, int height, float value)
{
    Image image(width, height, 3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < 3; ++c)
                image.at(x, y, c) = value;
    return image;
}

} // namespace

class TestUpscaleLimits : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

    /// The model file of a data row: "torch" (safetensors) or "ncnn", its
    /// convolution weights all `weight`.
    std::string modelFile(const QString& kind, const char* stem, float weight) const
    {
        if (kind == "ncnn") {
            const std::string param = path(stem) + ".param";
            test::writeNcnnUpscaler(param, 2, weight);
            return param;
        }
        const std::string file = path(stem) + ".safetensors";
        test::writeCompactUpscaler(file, weight);
        return file;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void cancelScopeIsPerThreadAndNests()
    {
        CancelToken cancelled;
        cancelled.cancel();
        throwIfCurrentCancelled(); // no scope: nothing to poll
        {
            const CancelScope scope(cancelled);
            TESSERA_VERIFY_ERROR(throwIfCurrentCancelled(), ErrorCode::Cancelled);
            {
                const CancelToken fresh;
                const CancelScope inner(fresh);
                throwIfCurrentCancelled(); // the inner token is the current one
            }
            TESSERA_VERIFY_ERROR(throwIfCurrentCancelled(), ErrorCode::Cancelled);
            bool otherThreadThrew = true;
            std::thread([&] {
                try {
                    throwIfCurrentCancelled();
                    otherThreadThrew = false;
                } catch (const Error&) {
                }
            }).join();
            QVERIFY(!otherThreadThrew); // the scope is this thread's only
        }
        throwIfCurrentCancelled(); // the scope ended
    }

    void forwardSeesACancelOfItsOwnTile_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("torch") << "torch";
        QTest::newRow("ncnn") << "ncnn";
    }

    // One tile: the runner's check between batches comes too late for it. A
    // cancel as the tile starts must stop the forward itself, so the tile is
    // never finished and no row reaches the sink.
    void forwardSeesACancelOfItsOwnTile()
    {
        QFETCH(QString, kind);
        UpscaleSettings settings;
        settings.modelPath = modelFile(kind, "cancel", 0.0f);
        CancelToken cancel;
        UpscaleHooks hooks;
        int finished = 0;
        hooks.tileStarted = [&](const Tile&) { cancel.cancel(); };
        hooks.tileFinished = [&](const Tile&, const Image&) { ++finished; };
        UpscaleJob job;
        const Image image = filled(48, 32, 0.5f);
        QCOMPARE(job.plan(settings, image.width(), image.height()).tiles.tileCount(), 1);
        TESSERA_VERIFY_ERROR(job.run(settings, image, cancel, {}, hooks), ErrorCode::Cancelled);
        QCOMPARE(finished, 0);
    }

    void nonFiniteOutputNamesModelAndTile_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("torch") << "torch";
        QTest::newRow("ncnn") << "ncnn";
    }

    // Finite weights (they load) that overflow on white pixels: tile 3, the
    // bottom right one of four, is the only white one.
    void nonFiniteOutputNamesModelAndTile()
    {
        QFETCH(QString, kind);
        UpscaleSettings settings;
        settings.modelPath = modelFile(kind, "overflow", 3e38f);
        settings.tileSize = 32;
        settings.overlap = 0;
        settings.halo = 0;
        Image image = filled(64, 64, 0.0f);
        for (int y = 32; y < 64; ++y)
            for (int x = 32; x < 64; ++x)
                for (int c = 0; c < 3; ++c)
                    image.at(x, y, c) = 1.0f;
        UpscaleJob job;
        QCOMPARE(job.plan(settings, 64, 64).tiles.tileCount(), 4);
        const Outcome outcome = outcomeOf([&] { job.run(settings, image); });
        QCOMPARE(outcome.code, ErrorCode::InvalidModel);
        const QString name = kind == "ncnn" ? "overflow.param" : "overflow.safetensors";
        QCOMPARE(outcome.message,
                 name + ": the model computes NaN or infinite values (in fp32 as well) for tile 3 (x 32, y 32, 32 x 32 px)");
    }

    // The zero-weight network upscales by nearest neighbour, so each input
    // pixel shows as it reached the model: NaN -> 0, +Inf -> 1, -Inf -> 0.
    void nonFiniteInputFollowsTheRule()
    {
        UpscaleSettings settings;
        settings.modelPath = modelFile("torch", "nearest", 0.0f);
        const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
        Image image = filled(16, 8, 0.5f);
        image.at(1, 1, 0) = nan;
        image.at(2, 3, 1) = inf;
        for (int c = 0; c < 3; ++c)
            image.at(5, 5, c) = -inf;
        image.at(6, 6, 0) = inf;
        image.at(6, 6, 2) = nan;
        int64_t reported = -1;
        int reports = 0;
        UpscaleHooks hooks;
        hooks.nonFinitePixels = [&](int64_t pixels) {
            reported = pixels;
            ++reports;
        };
        UpscaleJob job;
        const Image output = job.run(settings, image, {}, {}, hooks);
        QCOMPARE(reports, 1);
        QCOMPARE(reported, int64_t(4));
        QCOMPARE(output.width(), 32);
        for (int y = 0; y < output.height(); ++y)
            for (int x = 0; x < output.width(); ++x)
                for (int c = 0; c < 3; ++c)
                    QVERIFY(std::isfinite(output.at(x, y, c)));
        QCOMPARE(output.at(2, 2, 0), 0.0f);
        QCOMPARE(output.at(2, 2, 1), 0.5f);
        QCOMPARE(output.at(4, 6, 1), 1.0f);
        for (int c = 0; c < 3; ++c)
            QCOMPARE(output.at(10, 10, c), 0.0f);
        QCOMPARE(output.at(12, 12, 0), 1.0f);
        QCOMPARE(output.at(12, 12, 1), 0.5f);
        QCOMPARE(output.at(12, 12, 2), 0.0f);

        // A finite image reports nothing.
        reports = 0;
        job.run(settings, filled(16, 8, 0.25f), {}, {}, hooks);
        QCOMPARE(reports, 0);
    }

    // The preview sees the input as the run does: with the rule applied.
    void previewFollowsTheRule()
    {
        UpscaleSettings settings;
        settings.modelPath = modelFile("torch", "nearest", 0.0f);
        Image image = filled(16, 8, 0.5f);
        image.at(1, 1, 0) = std::numeric_limits<float>::quiet_NaN();
        image.at(2, 3, 1) = std::numeric_limits<float>::infinity();
        Image replaced = image;
        replaced.at(1, 1, 0) = 0.0f;
        replaced.at(2, 3, 1) = 1.0f;
        UpscaleJob job;
        for (PreviewStage stage : {PreviewStage::Window, PreviewStage::Tile, PreviewStage::Blended}) {
            const TilePreview preview = job.preview(settings, image, 0, stage, 2, 2);
            const TilePreview expected = job.preview(settings, replaced, 0, stage, 2, 2);
            QCOMPARE(preview.outputRect, expected.outputRect);
            const size_t samples = size_t(preview.pixels.pixelCount()) * size_t(preview.pixels.channels());
            QVERIFY(allFinite(preview.pixels.data(), samples));
            QVERIFY(std::equal(preview.pixels.data(), preview.pixels.data() + samples, expected.pixels.data()));
        }
        QVERIFY(std::isnan(image.at(1, 1, 0))); // the caller's image is left as it was
    }

    void replaceNonFiniteCountsSamples()
    {
        float values[] = {0.5f, std::nanf(""), -std::numeric_limits<float>::infinity(), 2.0f,
                          std::numeric_limits<float>::infinity(), -0.25f};
        QCOMPARE(replaceNonFinite(values, 6), int64_t(3));
        const float expected[] = {0.5f, 0.0f, 0.0f, 2.0f, 1.0f, -0.25f}; // finite values stay, even out of [0, 1]
        for (int i = 0; i < 6; ++i)
            QCOMPARE(values[i], expected[i]);
        QCOMPARE(QString::fromStdString(nonFinitePixelsSentence(12)),
                 "12 pixels were NaN or infinite; set to 0 or 1 as documented (NaN and -Inf to 0, +Inf to 1)");
    }

    // The block check's edges: the largest finite float, denormals and -0
    // are finite; NaN (any payload), +Inf and -Inf are not.
    void allFiniteSeesEveryNonFiniteBitPattern()
    {
        const float finite[] = {std::numeric_limits<float>::max(), -std::numeric_limits<float>::max(),
                                std::numeric_limits<float>::denorm_min(), -0.0f, 0.0f, 1.0f};
        QVERIFY(allFinite(finite, 6));
        QVERIFY(allFinite(finite, 0));
        const float nonFinite[] = {std::nanf(""), -std::nanf("7"), std::numeric_limits<float>::infinity(),
                                   -std::numeric_limits<float>::infinity()};
        for (float bad : nonFinite) {
            std::vector<float> values(1001, 0.5f);
            values[1000] = bad; // the last of an odd count: past any vector width
            QVERIFY(!allFinite(values.data(), values.size()));
            QVERIFY(allFinite(values.data(), 1000));
        }
    }

    // The tensor check's reduction path (strided views, as a model's cropped
    // channels-last output is; halves; the 8-bit float types where LibTorch
    // has them): the extremes of float are finite, any NaN or infinity is
    // seen wherever it sits, also beside the other infinity.
    void allFiniteValuesSeesNonFiniteInStridedTensors()
    {
        const float largest = std::numeric_limits<float>::max();
        // [1, 3, 5, 7] as a channels-last view, then cropped: not contiguous.
        const at::Tensor base = at::rand({1, 3, 6, 8}).contiguous(at::MemoryFormat::ChannelsLast);
        at::Tensor view = base.narrow(2, 1, 5).narrow(3, 0, 7);
        QVERIFY(!view.is_contiguous());
        view[0][1][2][3] = largest;
        view[0][2][4][6] = -largest;
        const at::Tensor halves = view.clamp(-60000.0, 60000.0).to(at::kHalf); // float's extremes are half's infinities
        QVERIFY(allFiniteValues(view));
        QVERIFY(allFiniteValues(halves));
        QVERIFY(allFiniteValues(view.to(at::kDouble)));
        const float bad[] = {std::nanf(""), std::numeric_limits<float>::infinity(),
                             -std::numeric_limits<float>::infinity()};
        for (float value : bad) {
            at::Tensor copy = view.clone();
            copy[0][0][4][6] = value; // the last element of the view
            QVERIFY(!allFiniteValues(copy));
            at::Tensor half = halves.clone();
            half[0][0][4][6] = value;
            QVERIFY(!allFiniteValues(half));
            copy[0][1][0][0] = -value; // both infinities: the ends are -inf and inf
            QVERIFY(!allFiniteValues(copy));
        }
        at::Tensor outside = base.clone();
        outside[0][0][0][0] = std::nanf(""); // outside the view: not its business
        QVERIFY(allFiniteValues(outside.narrow(2, 1, 5)));
        QVERIFY(allFiniteValues(at::arange(10, at::kInt)));
        QVERIFY(allFiniteValues(at::empty({0, 3})));
    }

    // Non-finite samples in the first and in later blocks of pixels, and two
    // in one pixel: counted once per pixel, replaced by the rule, the rest
    // untouched; on a GPU (the runner's device path) the same rows and count.
    void nonFinitePixelsAreCountedInEveryBlock()
    {
        Image image(3000, 4, 3); // 12000 pixels: three blocks of 4096 pixels and a part
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 3000; ++x)
                for (int c = 0; c < 3; ++c)
                    image.at(x, y, c) = float((x + y + c) % 7) / 7.0f;
        image.at(0, 0, 0) = std::nanf("");
        image.at(2999, 1, 2) = std::numeric_limits<float>::infinity(); // pixel 5999, block 1
        image.at(100, 3, 0) = -std::numeric_limits<float>::infinity(); // pixel 9100, block 2
        image.at(100, 3, 1) = std::nanf("");
        const at::Tensor input = at::from_blob(image.data(), {4, 3000, 3}, at::kFloat).clone();
        std::vector<float> rows(image.data(), image.data() + size_t(4) * 3000 * 3);
        QCOMPARE(replaceNonFinitePixels(rows.data(), size_t(4) * 3000, 3), int64_t(3));
        auto sample = [&](int x, int y, int c) { return rows[(size_t(y) * 3000 + size_t(x)) * 3 + size_t(c)]; };
        QCOMPARE(sample(0, 0, 0), 0.0f);
        QCOMPARE(sample(2999, 1, 2), 1.0f);
        QCOMPARE(sample(100, 3, 0), 0.0f);
        QCOMPARE(sample(100, 3, 1), 0.0f);
        QCOMPARE(sample(100, 3, 2), float((100 + 3 + 2) % 7) / 7.0f);
        QVERIFY(allFinite(rows.data(), rows.size()));
        int changed = 0;
        for (int y = 0; y < 4; ++y)
            for (int x = 0; x < 3000; ++x)
                for (int c = 0; c < 3; ++c)
                    changed += sample(x, y, c) != float((x + y + c) % 7) / 7.0f;
        QCOMPARE(changed, 4 - 1); // the NaN at (0, 0, 0) became 0, which the pattern also has there
        const at::Tensor host = at::from_blob(rows.data(), {4, 3000, 3}, at::kFloat);
        at::Tensor cpuRows = input.clone();
        QCOMPARE(replaceNonFinitePixels(cpuRows).item<int64_t>(), int64_t(3));
        QVERIFY(cpuRows.equal(host));
        if (!torch::cuda::is_available())
            QSKIP("no CUDA device: the device half of this test runs on a GPU machine");
        at::Tensor deviceRows = input.to(c10::Device(c10::kCUDA, 0));
        QCOMPARE(replaceNonFinitePixels(deviceRows).item<int64_t>(), int64_t(3));
        QVERIFY(deviceRows.cpu().equal(host));
    }

    // The probe's --tile 1 on 200 x 200: 40000 tiles need a confirmation;
    // 10000 (tile 2) do not.
    void tooManyTilesAreNamed()
    {
        UpscaleSettings settings;
        settings.modelPath = modelFile("torch", "plan", 0.0f);
        settings.overlap = 0;
        UpscaleJob job;
        settings.tileSize = 1;
        QCOMPARE(QString::fromStdString(tooManyTiles(job.plan(settings, 200, 200).tiles)),
                 "200 x 200 in tiles of 1 px makes 40000 tiles (over 10000)");
        settings.tileSize = 2;
        QCOMPARE(job.plan(settings, 200, 200).tiles.tileCount(), kTilesNeedingConfirmation);
        QVERIFY(tooManyTiles(job.plan(settings, 200, 200).tiles).empty());
    }

    void impossibleSettingsAreRefused_data()
    {
        QTest::addColumn<int>("halo");
        QTest::addColumn<int>("scale");
        QTest::addColumn<QString>("expected");
        QTest::newRow("halo 100000") << 100000 << 0
                                     << "halo 100000 is larger than the image (200 x 200): use at most 200";
        QTest::newRow("side over 2^31") << -1 << 20000000
                                        << "x20000000 makes a 4000000000 x 4000000000 output; an image side can be "
                                           "at most 2147483647 pixels";
        // The probe's --scale 1000 ended in "can't allocate 480000000000
        // bytes ... (try the CPU)" on the CPU.
        QTest::newRow("scale 1000") << -1 << 1000 << "x1000 makes a 200000 x 200000 output whose run needs";
    }

    void impossibleSettingsAreRefused()
    {
        QFETCH(int, halo);
        QFETCH(int, scale);
        QFETCH(QString, expected);
        UpscaleSettings settings;
        settings.modelPath = modelFile("torch", "limits", 0.0f);
        settings.halo = halo;
        settings.outputScale = scale;
        UpscaleJob job;
        const Outcome outcome = outcomeOf([&] { job.plan(settings, 200, 200); });
        QCOMPARE(outcome.code, ErrorCode::InvalidArgument);
        QVERIFY2(outcome.message.startsWith(expected), qPrintable(outcome.message));
        QVERIFY2(!outcome.message.contains("CPU)") && !outcome.message.contains('\n'), qPrintable(outcome.message));
        // run() plans first: it refuses the same way before any tile.
        int started = 0;
        UpscaleHooks hooks;
        hooks.tileStarted = [&](const Tile&) { ++started; };
        QCOMPARE(outcomeOf([&] { job.run(settings, filled(200, 200, 0.5f), {}, {}, hooks); }).message,
                 outcome.message);
        QCOMPARE(started, 0);
    }
};

QTEST_GUILESS_MAIN(TestUpscaleLimits)
#include "tst_upscale_limits.moc"

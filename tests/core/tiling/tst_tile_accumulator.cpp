// The tile accumulator alone: weighted sums normalised by the weights, for
// any input-to-output ratio, in memory and as a sliding window over rows.

// LibTorch headers before Qt's: its `slots` macro breaks them.
#include "common/error.h"
#include "tiling/blend.h"
#include "tiling/quantize_rows.h"
#include "tiling/row_sink.h"
#include "tiling/tile_accumulator.h"

#include "support/error_checks.h"

#include <torch/cuda.h>

#include <QtTest>

#include <cmath>
#include <memory>
#include <vector>

using namespace tessera;

namespace {

const c10::Device kCpu(c10::kCPU);

} // namespace

class TestTileAccumulator : public QObject {
    Q_OBJECT
private slots:
    void twoTilesGiveTheClosedForm_data()
    {
        QTest::addColumn<int>("num");
        QTest::addColumn<int>("den");
        QTest::addColumn<int>("ramp");
        for (BlendRamp ramp : {BlendRamp::Linear, BlendRamp::Smoothstep, BlendRamp::Gaussian}) {
            const QByteArray name = blendRampName(ramp);
            QTest::newRow(("/8 encode " + name).constData()) << 1 << 8 << int(ramp);
            QTest::newRow(("1:1 " + name).constData()) << 1 << 1 << int(ramp);
            QTest::newRow(("x4 " + name).constData()) << 4 << 1 << int(ramp);
            QTest::newRow(("x8 decode " + name).constData()) << 8 << 1 << int(ramp);
        }
    }

    void twoTilesGiveTheClosedForm()
    {
        QFETCH(int, num);
        QFETCH(int, den);
        QFETCH(int, ramp);
        // Two tiles [0, 64) and [48, 112): the band is input [48, 64).
        const TilePlan plan(112, 8, {64, 16, 0, ScaleRatio(num, den), 1});
        QCOMPARE(plan.tileCount(), 2);
        const ScaleRatio s = plan.settings().scale;
        const float values[2] = {0.2f, 0.9f};
        TileAccumulator accumulator({0, 0, plan.outputWidth(), plan.outputHeight()}, 2, kCpu);
        BlendWeightCache weights(BlendRamp(ramp), kCpu);
        for (const Tile& tile : plan.tiles()) {
            const TileRect out = plan.toOutput(tile.blend);
            // values: [2, out.height, out.width], one constant per tile
            const at::Tensor tileValues = at::full({2, out.height, out.width}, values[tile.index]);
            accumulator.add(out, tileValues, weights.y(plan, tile), weights.x(plan, tile));
        }
        const at::Tensor result = accumulator.result(); // [2, H', W']
        QCOMPARE(result.size(2), int64_t(s.toOutput(112)));
        const int bandStart = s.toOutput(48), bandWidth = s.toOutput(16);
        const std::vector<float> m = rampWeights(BlendRamp(ramp), bandWidth);
        for (int x = 0; x < result.size(2); ++x) {
            const int j = x - bandStart;
            const double expected = j < 0 ? 0.2 : j >= bandWidth ? 0.9
                                                                 : 0.2 * (1.0 - m[size_t(j)]) + 0.9 * m[size_t(j)];
            const at::Tensor column = result.select(2, x);
            const double worst = (column - expected).abs().max().item<double>();
            QVERIFY2(worst <= 1e-6, qPrintable(QString("x=%1 off by %2").arg(x).arg(worst)));
        }
    }

    void weightCacheBuildsEachShapeOnce()
    {
        const TilePlan plan(300, 40, {64, 8, 4, 2, 1});
        BlendWeightCache cache(BlendRamp::Smoothstep, kCpu);
        for (const Tile& tile : plan.tiles()) {
            const at::Tensor wx = cache.x(plan, tile);
            const std::vector<float> expected = tileWeightsX(plan, tile, BlendRamp::Smoothstep);
            QVERIFY(at::equal(wx, at::tensor(expected)));
        }
        // Inner tiles share one shape: the same tensor, not a copy.
        QCOMPARE(cache.x(plan, plan.tile(0, 1)).data_ptr(), cache.x(plan, plan.tile(0, 2)).data_ptr());
    }

    void slidingWindowEqualsInMemory()
    {
        // Three bands of rows, each overlapping the next by 2 rows; the window
        // holds 6 rows and is flushed after each band, like the runner does.
        const int width = 5, height = 14, channels = 3;
        at::manual_seed(3);
        const std::vector<TileRect> rects = {{0, 0, 5, 6}, {0, 0, 2, 5}, {1, 4, 4, 6},
                                             {0, 4, 1, 6}, {0, 8, 5, 6}};
        const std::vector<int> flushAfter = {-1, 4, -1, 8, 14};
        TileAccumulator window({0, 0, width, height}, channels, kCpu, 6);
        TileAccumulator whole({0, 0, width, height}, channels, kCpu);
        ImageRowSink sink;
        sink.begin(width, height, channels);
        for (size_t i = 0; i < rects.size(); ++i) {
            const TileRect& r = rects[i];
            const at::Tensor values = at::rand({channels, r.height, r.width});
            const at::Tensor wy = at::rand({r.height}) + 0.1;
            const at::Tensor wx = at::rand({r.width}) + 0.1;
            window.add(r, values, wy, wx);
            whole.add(r, values, wy, wx);
            if (flushAfter[i] > 0) {
                const int first = window.firstOpenRow();
                const at::Tensor rows = window.takeRows(flushAfter[i]); // [R, W, C]
                QCOMPARE(rows.size(0), int64_t(flushAfter[i] - first));
                sink.writeRows(first, int(rows.size(0)), rows.data_ptr<float>());
            }
        }
        QCOMPARE(window.firstOpenRow(), height);
        // sink: HWC; whole: [C, H, W]
        const at::Tensor streamed = at::from_blob(sink.image().data(), {height, width, channels}, at::kFloat);
        QVERIFY((streamed - whole.result().permute({1, 2, 0})).abs().max().item<double>() <= 1e-6);
    }

    // takeRows(Bytes) is takeRows(Float) rounded by OpenImageIO's rule
    // (quantize_rows.h), with the ties of x.5 / 255 and values outside [0, 1];
    // on CUDA (one kernel) the bytes equal the CPU's torch ops, for tiles that
    // do not overlap (each pixel's one weighted value rounds alike there).
    void bytesRowsAreTheFloatRowsRounded()
    {
        const int width = 40, height = 12, channels = 3;
        at::manual_seed(5);
        // values: [C, H, W] in [-0.2, 1.2], a third of them on a tie k / 510
        at::Tensor values = at::rand({channels, height, width}) * 1.4 - 0.2;
        const at::Tensor ties = at::randint(-20, 530, {channels, height, width}).to(at::kFloat) / 510.0;
        values = at::where(at::rand({channels, height, width}) < 0.33, ties, values);
        const at::Tensor wy = at::rand({height}) + 0.1, wx = at::rand({width / 2}) + 0.1;
        auto rowsOn = [&](const c10::Device& device, TileAccumulator::RowType type) {
            TileAccumulator accumulator({0, 0, width, height}, channels, device);
            for (int x : {0, width / 2})
                accumulator.add({x, 0, width / 2, height}, values.narrow(2, x, width / 2).to(device), wy.to(device),
                                wx.to(device));
            return accumulator.takeRows(height, type).cpu();
        };
        const at::Tensor floats = rowsOn(kCpu, TileAccumulator::RowType::Float);
        const at::Tensor bytes = rowsOn(kCpu, TileAccumulator::RowType::Bytes);
        QCOMPARE(bytes.scalar_type(), at::kByte);
        QVERIFY(bytes.equal(quantizeTo8Bits(floats)));
        QVERIFY(bytes.min().item<int>() == 0 && bytes.max().item<int>() == 255);
        if (!torch::cuda::is_available())
            QSKIP("no CUDA device: the kernels' half of this test runs on a GPU machine");
        const c10::Device cuda(c10::kCUDA, 0);
        QCOMPARE(rowsOn(cuda, TileAccumulator::RowType::Float).sub(floats).abs().max().item<double>(), 0.0);
        QVERIFY(rowsOn(cuda, TileAccumulator::RowType::Bytes).equal(bytes));
    }

    void clippedAddsCutToTheRegion()
    {
        // A region at (10, 20): a rect reaching outside it adds only its inside part.
        TileAccumulator accumulator({10, 20, 5, 4}, 1, kCpu);
        const at::Tensor values = at::arange(100, at::kFloat).view({1, 10, 10});
        QVERIFY(accumulator.addClipped({8, 18, 10, 10}, values, at::ones({10}), at::ones({10})));
        QVERIFY(!accumulator.addClipped({0, 0, 5, 5}, values.narrow(1, 0, 5).narrow(2, 0, 5),
                                        at::ones({5}), at::ones({5})));
        QVERIFY(at::equal(accumulator.result(), values.narrow(1, 2, 4).narrow(2, 2, 5)));
    }

    void misuseIsAnInternalError()
    {
        TileAccumulator accumulator({0, 0, 8, 8}, 1, kCpu, 4);
        const at::Tensor ones = at::ones({1, 4, 4});
        // Outside the open rows, or values of the wrong size.
        TESSERA_VERIFY_ERROR(accumulator.add({0, 2, 4, 4}, at::ones({1, 4, 4}), at::ones({4}), at::ones({4})),
                             ErrorCode::Internal);
        TESSERA_VERIFY_ERROR(accumulator.add({0, 0, 4, 4}, at::ones({1, 3, 4}), at::ones({4}), at::ones({4})),
                             ErrorCode::Internal);
        // Rows no tile covered cannot be read or flushed.
        accumulator.add({0, 0, 4, 4}, ones, at::ones({4}), at::ones({4}));
        TESSERA_VERIFY_ERROR(accumulator.normalised({0, 0, 8, 4}), ErrorCode::Internal);
        TESSERA_VERIFY_ERROR(accumulator.takeRows(2), ErrorCode::Internal);
        // More rows than the window holds.
        TESSERA_VERIFY_ERROR(accumulator.takeRows(6), ErrorCode::Internal);
    }
};

QTEST_GUILESS_MAIN(TestTileAccumulator)
#include "tst_tile_accumulator.moc"

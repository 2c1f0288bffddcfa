// The coordinate mapper alone: no LibTorch involved.

#include "common/error.h"
#include "common/int_math.h"
#include "support/error_checks.h"
#include "tiling/blend.h"
#include "tiling/tile_plan.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace tessera;

namespace {

/// Checks the invariants every plan must hold.
void checkPlan(const TilePlan& plan)
{
    const TileSettings& s = plan.settings();
    QVERIFY(plan.tileCount() >= 1);
    QCOMPARE(int(plan.tiles().size()), plan.rows() * plan.columns());
    QCOMPARE(plan.paddedWidth() % s.inputMultiple, 0);
    QCOMPARE(plan.paddedHeight() % s.inputMultiple, 0);
    std::vector<int> coveredX(size_t(plan.imageWidth()), 0);
    std::vector<int> coveredY(size_t(plan.imageHeight()), 0);
    for (const Tile& t : plan.tiles()) {
        // One shape for all tiles, inside the image.
        QCOMPARE(t.area.width, plan.tileWidth());
        QCOMPARE(t.area.height, plan.tileHeight());
        QVERIFY(t.area.x >= 0 && t.area.right() <= plan.imageWidth());
        QVERIFY(t.area.y >= 0 && t.area.bottom() <= plan.imageHeight());
        QCOMPARE(t.halo.width, plan.paddedWidth());
        QCOMPARE(t.halo.x, t.area.x - s.halo);
        QCOMPARE(t.halo.y, t.area.y - s.halo);
        // Blend region inside the area, ending with it; ramps fit inside.
        QVERIFY(t.blend.x >= t.area.x && t.blend.right() == t.area.right());
        QVERIFY(t.blend.y >= t.area.y && t.blend.bottom() == t.area.bottom());
        QVERIFY(t.rampLeft + t.rampRight <= t.blend.width);
        QVERIFY(t.rampTop + t.rampBottom <= t.blend.height);
        // No ramps at the image border, so lone tiles keep weight 1 there.
        QCOMPARE(t.rampLeft == 0, t.column == 0 || plan.columns() == 1 || s.overlap == 0);
        if (t.column == plan.columns() - 1)
            QCOMPARE(t.rampRight, 0);
        if (t.row == plan.rows() - 1)
            QCOMPARE(t.rampBottom, 0);
        if (t.row == 0)
            for (int x = t.blend.x; x < t.blend.right(); ++x)
                ++coveredX[size_t(x)];
        if (t.column == 0)
            for (int y = t.blend.y; y < t.blend.bottom(); ++y)
                ++coveredY[size_t(y)];
    }
    // Blend regions tile the axes: every pixel in one or (inside a band) two.
    for (int c : coveredX)
        QVERIFY(c == 1 || c == 2);
    for (int c : coveredY)
        QVERIFY(c == 1 || c == 2);
    for (int r = 0; r + 1 < plan.rows(); ++r) {
        const Tile& a = plan.tile(r, 0);
        const Tile& b = plan.tile(r + 1, 0);
        QVERIFY(b.area.y > a.area.y);
        // The shared band: the last rampBottom rows of a = the first rampTop rows of b.
        QCOMPARE(a.rampBottom, b.rampTop);
        QCOMPARE(b.blend.y, a.area.bottom() - a.rampBottom);
        QVERIFY(a.area.bottom() - b.area.y >= s.overlap); // overlap at least O
        QVERIFY(plan.outputRowsFinalAfter(r) <= plan.outputRowsFinalAfter(r + 1));
    }
    QCOMPARE(plan.outputRowsFinalAfter(plan.rows() - 1), plan.outputHeight());
}

} // namespace

class TestTilePlan : public QObject {
    Q_OBJECT
private slots:
    void startsShiftLastTileInward()
    {
        QCOMPARE(tileStarts(100, 32, 4), (std::vector<int>{0, 28, 56, 68}));
        QCOMPARE(tileStarts(64, 32, 0), (std::vector<int>{0, 32}));
        QCOMPARE(tileStarts(20, 32, 4), (std::vector<int>{0}));
        QCOMPARE(tileStarts(33, 32, 3), (std::vector<int>{0, 1}));
    }

    void reflectIndexMatchesReflectionPad()
    {
        // reflection_pad2d convention: the edge sample is not repeated.
        QCOMPARE(reflectIndex(-1, 5), 1);
        QCOMPARE(reflectIndex(-4, 5), 4);
        QCOMPARE(reflectIndex(5, 5), 3);
        QCOMPARE(reflectIndex(8, 5), 0);
        // Wider than the image: reflect again.
        QCOMPARE(reflectIndex(-5, 5), 3);
        QCOMPARE(reflectIndex(-8, 5), 0);
        QCOMPARE(reflectIndex(12, 5), 4);
        QCOMPARE(reflectIndex(2, 2), 0);
        QCOMPARE(reflectIndex(-1, 2), 1);
        // One pixel: replicate.
        QCOMPARE(reflectIndex(-7, 1), 0);
        QCOMPARE(reflectIndex(9, 1), 0);
        for (int i = -50; i < 50; ++i) {
            const int r = reflectIndex(i, 7);
            QVERIFY(r >= 0 && r < 7);
        }
    }

    void awkwardSizes_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("tile");
        QTest::addColumn<int>("overlap");
        QTest::addColumn<int>("halo");
        QTest::addColumn<int>("scale");
        QTest::addColumn<int>("multiple");
        QTest::newRow("1x1") << 1 << 1 << 512 << -1 << 32 << 4 << 1;
        QTest::newRow("257x131") << 257 << 131 << 64 << 6 << 8 << 2 << 1;
        QTest::newRow("narrow") << 20 << 300 << 64 << 6 << 8 << 3 << 1;
        QTest::newRow("no overlap") << 100 << 70 << 32 << 0 << 4 << 1 << 1;
        QTest::newRow("half overlap") << 130 << 99 << 32 << 16 << 4 << 1 << 1;
        QTest::newRow("multiple 8") << 101 << 67 << 32 << 3 << 5 << 2 << 8;
        QTest::newRow("just over") << 513 << 513 << 512 << 51 << 32 << 2 << 4;
    }

    void awkwardSizes()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, tile);
        QFETCH(int, overlap);
        QFETCH(int, halo);
        QFETCH(int, scale);
        QFETCH(int, multiple);
        const TilePlan plan(width, height, {tile, overlap, halo, scale, multiple});
        checkPlan(plan);
        QCOMPARE(plan.outputWidth(), width * scale);
        QCOMPARE(plan.tileWidth(), std::min(tile, width));
    }

    void smallImageIsOneTile()
    {
        const TilePlan plan(1, 1, {512, -1, 32, 4, 8});
        QCOMPARE(plan.tileCount(), 1);
        const Tile& t = plan.tile(0, 0);
        QCOMPARE(t.area, (TileRect{0, 0, 1, 1}));
        QCOMPARE(t.blend, t.area);
        // 1 + 2 * 32 = 65 -> 72: the extra 7 go to the right and bottom.
        QCOMPARE(plan.paddedWidth(), 72);
        QCOMPARE(plan.haloLeft(), 32);
        QCOMPARE(plan.haloRight(), 39);
        int first = -1, last = -1;
        plan.inputRowsOf(0, 0, &first, &last);
        QCOMPARE(first, 0);
        QCOMPARE(last, 1);
    }

    void defaults()
    {
        const TilePlan plan(2000, 1000, {512, -1, -1, 2, 1});
        QCOMPARE(plan.settings().overlap, 51);
        QCOMPARE(plan.settings().halo, 32);
        QCOMPARE(defaultHalo(-1), 32);
        QCOMPARE(defaultHalo(7), 7);
        QCOMPARE(defaultHalo(100), 32);
        constexpr int64_t GiB = int64_t(1) << 30;
        QCOMPARE(recommendedTileSize(8 * GiB), 512);
        QCOMPARE(recommendedTileSize(16 * GiB), 512);
        QCOMPARE(recommendedTileSize(24 * GiB), 1024);
        QCOMPARE(recommendedTileSize(32 * GiB), 1024);
        QCOMPARE(recommendedTileSize(80 * GiB), 2048);
        QCOMPARE(recommendedTileSize(4 * GiB), 256);
    }

    void inputRowsCoverHalo()
    {
        const TilePlan plan(50, 100, {32, 4, 6, 1, 1});
        QCOMPARE(plan.rows(), 4); // starts 0, 28, 56, 68
        int first = 0, last = 0;
        plan.inputRowsOf(1, 0, &first, &last);
        QCOMPARE(first, 28 - 6);
        QCOMPARE(last, 28 + 32 + 6);
        plan.inputRowsOf(3, 0, &first, &last);
        QCOMPARE(first, 68 - 6);
        QCOMPARE(last, 100); // the bottom halo reflects onto rows already read
    }

    void outputRects()
    {
        const TilePlan plan(100, 100, {40, 4, 2, 3, 1});
        QCOMPARE(plan.toOutput({1, 2, 3, 4}), (TileRect{3, 6, 9, 12}));
        QCOMPARE(plan.outputRowsFinalAfter(0), plan.tile(1, 0).blend.y * 3);
    }

    void rejectsBadSettings()
    {
        TESSERA_VERIFY_ERROR(TilePlan(0, 10, {}), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(TilePlan(10, 10, {0, 0, 0, 1, 1}), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(TilePlan(10, 10, {32, 17, 0, 1, 1}), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(TilePlan(10, 10, {32, 4, 0, 0, 1}), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(TilePlan(10, 10, {32, 4, 0, 1, 0}), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(TilePlan(16, 16, {32, 4, 0, ScaleRatio(1, 0), 1}), ErrorCode::InvalidArgument);
        // A /8 scale needs sides that are multiples of 8: the plan does not pad.
        TESSERA_VERIFY_ERROR(TilePlan(201, 64, {64, 8, 8, ScaleRatio(1, 8), 1}), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(TilePlan(64, 60, {64, 8, 8, ScaleRatio(1, 8), 1}), ErrorCode::InvalidArgument);
    }

    void scaleRatios()
    {
        QCOMPARE(ScaleRatio(4), ScaleRatio(4, 1));
        QCOMPARE(ScaleRatio(2, 16), ScaleRatio(1, 8));
        QCOMPARE(ScaleRatio(1, 8).toOutput(64), 8);
        QCOMPARE(ScaleRatio(1, 8).toOutput(-16), -2);
        QCOMPARE(ScaleRatio(3, 2).toOutput(10), 15);
        QCOMPARE(scaleText(4), std::string("x4"));
        QCOMPARE(scaleText(ScaleRatio(1, 8)), std::string("1/8"));
        TileSettings settings;
        settings.scale = 4; // an integer still assigns
        QCOMPARE(settings.scale.num, 4);
        QCOMPARE(settings.scale.den, 1);
        QCOMPARE(roundUpToMultiple(65, 8), 72);
        QCOMPARE(roundUpToMultiple(64, 8), 64);
        QCOMPARE(roundUpToMultiple(0, 8), 0);
        QCOMPARE(roundDownToMultiple(71, 8), 64);
    }

    void rationalPlans_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("tile");
        QTest::addColumn<int>("overlap");
        QTest::addColumn<int>("halo");
        QTest::addColumn<int>("num");
        QTest::addColumn<int>("den");
        QTest::addColumn<int>("multiple");
        QTest::newRow("/8 encode") << 200 << 136 << 60 << 5 << 3 << 1 << 8 << 1;
        QTest::newRow("/8 default overlap") << 512 << 264 << 64 << -1 << 8 << 1 << 8 << 1;
        QTest::newRow("/8 multiple 3") << 96 << 48 << 40 << 8 << 8 << 1 << 8 << 3;
        QTest::newRow("/8 tile of 8") << 64 << 32 << 8 << -1 << 0 << 1 << 8 << 1;
        QTest::newRow("x8 decode") << 37 << 29 << 16 << 4 << 1 << 8 << 1 << 1;
        QTest::newRow("1:1 latents") << 128 << 96 << 48 << 8 << 4 << 1 << 1 << 8;
        QTest::newRow("3/2") << 100 << 64 << 30 << 6 << 3 << 3 << 2 << 1;
    }

    void rationalPlans()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, tile);
        QFETCH(int, overlap);
        QFETCH(int, halo);
        QFETCH(int, num);
        QFETCH(int, den);
        QFETCH(int, multiple);
        const TilePlan plan(width, height, {tile, overlap, halo, ScaleRatio(num, den), multiple});
        checkPlan(plan);
        const TileSettings& s = plan.settings();
        // The rule: tile size, overlap and halo rounded up to multiples of den.
        QCOMPARE(s.tileSize, roundUpToMultiple(tile, den));
        if (overlap >= 0)
            QCOMPARE(s.overlap, roundUpToMultiple(overlap, den));
        QCOMPARE(s.overlap % den, 0);
        QCOMPARE(s.halo, roundUpToMultiple(halo, den));
        QCOMPARE(plan.padMultiple(), std::lcm(multiple, den));
        QCOMPARE(plan.outputWidth() * den, width * num);
        QCOMPARE(plan.outputHeight() * den, height * num);
        // Every coordinate lands on a multiple of den: output coordinates are exact.
        auto exact = [&](const TileRect& r) {
            for (int v : {r.x, r.y, r.width, r.height})
                if (v % den != 0)
                    return false;
            const TileRect out = plan.toOutput(r);
            return out.x * den == r.x * num && out.y * den == r.y * num
                   && out.width * den == r.width * num && out.height * den == r.height * num;
        };
        QCOMPARE(plan.paddedWidth() % den, 0);
        QCOMPARE(plan.paddedHeight() % den, 0);
        for (const Tile& t : plan.tiles()) {
            QVERIFY(exact(t.area));
            QVERIFY(exact(t.halo));
            QVERIFY(exact(t.blend));
            for (int ramp : {t.rampLeft, t.rampRight, t.rampTop, t.rampBottom})
                QCOMPARE(ramp % den, 0);
        }
        for (int r = 0; r + 1 < plan.rows(); ++r)
            QCOMPARE(plan.outputRowsFinalAfter(r) * den, plan.tile(r + 1, 0).blend.y * num);

        // The blend regions cover the output, and the weights sum to 1 in every
        // output pixel, for every ramp.
        for (BlendRamp ramp : {BlendRamp::Linear, BlendRamp::Smoothstep, BlendRamp::Gaussian}) {
            std::vector<double> sum(size_t(plan.outputWidth()) * plan.outputHeight(), 0.0);
            for (const Tile& t : plan.tiles()) {
                const TileRect out = plan.toOutput(t.blend);
                const std::vector<float> wx = tileWeightsX(plan, t, ramp);
                const std::vector<float> wy = tileWeightsY(plan, t, ramp);
                QCOMPARE(int(wx.size()), out.width);
                QCOMPARE(int(wy.size()), out.height);
                QVERIFY(out.x >= 0 && out.right() <= plan.outputWidth());
                QVERIFY(out.y >= 0 && out.bottom() <= plan.outputHeight());
                for (int y = 0; y < out.height; ++y)
                    for (int x = 0; x < out.width; ++x)
                        sum[size_t(out.y + y) * plan.outputWidth() + out.x + x] += wy[size_t(y)] * wx[size_t(x)];
            }
            double worst = 0.0;
            for (double v : sum)
                worst = std::max(worst, std::abs(v - 1.0));
            QVERIFY2(worst < 1e-6, qPrintable(QString("weight sum off by %1").arg(worst)));
        }
    }

    void encodePlanExample()
    {
        // 200 x 136 at 1/8 with S 60, O 5, P 3: S -> 64, O -> 8, P -> 8.
        const TilePlan plan(200, 136, {60, 5, 3, ScaleRatio(1, 8), 1});
        QCOMPARE(plan.settings().tileSize, 64);
        QCOMPARE(plan.settings().overlap, 8);
        QCOMPARE(plan.settings().halo, 8);
        QCOMPARE(tileStarts(200, 64, 8), (std::vector<int>{0, 56, 112, 136}));
        QCOMPARE(plan.columns(), 4);
        QCOMPARE(plan.paddedWidth(), 80);
        QCOMPARE(plan.outputWidth(), 25);
        QCOMPARE(plan.outputHeight(), 17);
        const Tile& t = plan.tile(0, 1);
        QCOMPARE(plan.toOutput(t.area), (TileRect{7, 0, 8, 8}));
        QCOMPARE(plan.toOutput(t.halo), (TileRect{6, -1, 10, 10}));
        // The band shared with the left neighbour: input [56, 64) -> output [7, 8).
        QCOMPARE(plan.toOutput(t.blend).x, 7);
        QCOMPARE(tileWeightsX(plan, t, BlendRamp::Linear).front(), 0.5f);
    }
};

QTEST_GUILESS_MAIN(TestTilePlan)
#include "tst_tile_plan.moc"

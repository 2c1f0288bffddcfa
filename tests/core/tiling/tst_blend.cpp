// Blend ramps and weights: pure C++, the same numbers the engine and the GUI use.

#include "common/error.h"
#include "support/error_checks.h"
#include "tiling/blend.h"

#include <QtTest>

#include <cmath>

using namespace tessera;

class TestBlend : public QObject {
    Q_OBJECT
private slots:
    void rampsRiseFromZeroToOne()
    {
        for (BlendRamp ramp : {BlendRamp::Linear, BlendRamp::Smoothstep, BlendRamp::Gaussian}) {
            QCOMPARE(rampValue(ramp, 0.0), 0.0);
            QVERIFY(std::abs(rampValue(ramp, 1.0) - 1.0) < 1e-12);
            double previous = 0.0;
            for (int i = 1; i <= 100; ++i) {
                const double t = i / 100.0;
                const double m = rampValue(ramp, t);
                QVERIFY(m >= previous);
                QVERIFY(std::abs(m + rampValue(ramp, 1.0 - t) - 1.0) < 1e-12);
                previous = m;
            }
        }
        QCOMPARE(rampValue(BlendRamp::Smoothstep, 0.5), 0.5);
        QCOMPARE(rampValue(BlendRamp::Linear, 0.25), 0.25);
        QCOMPARE(parseBlendRamp("smooth"), BlendRamp::Smoothstep);
        QCOMPARE(parseBlendRamp("gaussian"), BlendRamp::Gaussian);
        TESSERA_VERIFY_ERROR(parseBlendRamp("cubic"), ErrorCode::InvalidArgument);
    }

    void axisWeightsHaveRampsAtTheEnds()
    {
        const std::vector<float> w = axisWeights(BlendRamp::Linear, 10, 2, 4);
        QCOMPARE(w[0], 0.25f);
        QCOMPARE(w[1], 0.75f);
        QCOMPARE(w[2], 1.0f);
        QCOMPARE(w[5], 1.0f);
        QCOMPARE(w[6], 1.0f - 0.125f);
        QCOMPARE(w[9], 1.0f - 0.875f);
        TESSERA_VERIFY_ERROR(axisWeights(BlendRamp::Linear, 3, 2, 2), ErrorCode::Internal);
    }

    void weightsSumToOneEverywhere_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("tile");
        QTest::addColumn<int>("overlap");
        QTest::addColumn<int>("scale");
        QTest::addColumn<int>("ramp");
        QTest::newRow("1x1 x4") << 1 << 1 << 16 << 2 << 4 << int(BlendRamp::Smoothstep);
        QTest::newRow("257x131 linear") << 257 << 131 << 64 << 6 << 2 << int(BlendRamp::Linear);
        QTest::newRow("257x131 smooth x3") << 257 << 131 << 64 << 10 << 3 << int(BlendRamp::Smoothstep);
        QTest::newRow("gaussian") << 150 << 90 << 40 << 20 << 1 << int(BlendRamp::Gaussian);
        QTest::newRow("no overlap") << 100 << 70 << 32 << 0 << 2 << int(BlendRamp::Smoothstep);
        QTest::newRow("shifted last") << 33 << 65 << 32 << 3 << 4 << int(BlendRamp::Linear);
    }

    void weightsSumToOneEverywhere()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, tile);
        QFETCH(int, overlap);
        QFETCH(int, scale);
        QFETCH(int, ramp);
        const TilePlan plan(width, height, {tile, overlap, 4, scale, 1});
        std::vector<double> sum(size_t(plan.outputWidth()) * plan.outputHeight(), 0.0);
        for (const Tile& t : plan.tiles()) {
            const TileRect out = plan.toOutput(t.blend);
            const auto wx = tileWeightsX(plan, t, BlendRamp(ramp));
            const auto wy = tileWeightsY(plan, t, BlendRamp(ramp));
            QCOMPARE(int(wx.size()), out.width);
            QCOMPARE(int(wy.size()), out.height);
            for (int y = 0; y < out.height; ++y)
                for (int x = 0; x < out.width; ++x) {
                    const float w = wy[size_t(y)] * wx[size_t(x)];
                    QVERIFY(w > 0.0f && w <= 1.0f);
                    sum[size_t(out.y + y) * plan.outputWidth() + out.x + x] += w;
                }
        }
        double worst = 0.0;
        for (double s : sum)
            worst = std::max(worst, std::abs(s - 1.0));
        QVERIFY2(worst < 1e-6, qPrintable(QString("weight sum off by %1").arg(worst)));
    }
};

QTEST_GUILESS_MAIN(TestBlend)
#include "tst_blend.moc"

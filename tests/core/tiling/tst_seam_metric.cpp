// The seam metric: 1 on a stationary texture, above 1 for a step where tiles
// meet, below 1 for a blurred stripe there, 1 for one tile.

#include "tiling/seam_metric.h"

#include "support/error_checks.h"

#include <ATen/ATen.h>

#include <QtTest>

using namespace tessera;

namespace {

/// 3 x 3 tiles of 48 over 128 x 128 pixels, overlap 8.
TilePlan grid()
{
    TileSettings settings;
    settings.tileSize = 48;
    settings.overlap = 8;
    settings.halo = 0;
    return TilePlan(128, 128, settings);
}

} // namespace

class TestSeamMetric : public QObject {
    Q_OBJECT

private slots:
    void init() { at::manual_seed(1); }

    void aStationaryTextureHasNoSeam()
    {
        const SeamEnergy energy = seamEnergy(at::rand({3, 128, 128}), grid());
        QVERIFY2(energy.strength() < 0.1, qPrintable(QString::number(energy.ratio())));
    }

    void aStepBetweenTilesIsASeam()
    {
        // The right tiles' areas brighter by 0.5 from the first band on.
        const TilePlan plan = grid();
        at::Tensor image = at::rand({3, 128, 128}) * 0.2;
        const int cut = plan.tile(0, 1).area.x;
        image.narrow(2, cut, 128 - cut).add_(0.5);
        const SeamEnergy energy = seamEnergy(image, plan);
        QVERIFY2(energy.ratio() > 1.5, qPrintable(QString::number(energy.ratio())));
    }

    void aBlurredStripeIsASeam()
    {
        // The bands where columns meet averaged with their neighbours: smoother than the rest.
        const TilePlan plan = grid();
        at::Tensor image = at::rand({3, 128, 128});
        for (int c = 1; c < plan.columns(); ++c) {
            const int first = plan.tile(0, c).area.x, last = plan.tile(0, c - 1).area.right();
            at::Tensor band = image.narrow(2, first - 1, last - first + 2);
            band.copy_((band + band.roll(1, 1) + band.roll(-1, 1)) / 3.0);
        }
        const SeamEnergy energy = seamEnergy(image, plan);
        QVERIFY2(energy.ratio() < 0.9, qPrintable(QString::number(energy.ratio())));
        QVERIFY(energy.strength() > 0.1);
    }

    void oneTileHasNoBorders()
    {
        TileSettings settings;
        settings.tileSize = 256;
        QCOMPARE(seamEnergy(at::rand({1, 64, 64}), TilePlan(64, 64, settings)).ratio(), 1.0);
    }

    void anotherSizeIsRefused()
    {
        TESSERA_VERIFY_ERROR(seamEnergy(at::rand({3, 64, 128}), grid()), ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestSeamMetric)
#include "tst_seam_metric.moc"

// Per-step tile blending (sd::tiledDenoiser): with a denoiser that is local
// (its output at p reads x within a known radius, reflect padded at the
// border) and a halo >= that radius, the tiled denoiser equals the whole
// one to float rounding at every call, so whole sampler runs through it,
// with noise and two evaluations per step, equal the untiled runs; the way
// the upscaler's tiled == whole test proves its tiling.

#include "diffusion/samplers/sampler_registry.h"
#include "diffusion/sampling/schedulers.h"
#include "diffusion/sampling/tiled_denoiser.h"

#include "common/error.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "support/error_checks.h"

#include <QtTest>

using namespace tessera;
using namespace tessera::sd;

namespace {

/// A denoiser of radius `radius`: a fixed (2r+1)^2 blur of x (reflect padded)
/// plus a pixelwise nonlinearity, both scaled by functions of sigma, so the
/// prediction depends on sigma and on the neighbourhood as a UNet's does.
Denoiser localDenoiser(int radius, int* calls = nullptr)
{
    const int side = 2 * radius + 1;
    at::Tensor kernel = at::rand({4, 1, side, side}, at::TensorOptions().dtype(at::kFloat)) + 0.1;
    kernel = kernel / kernel.sum({2, 3}, /*keepdim=*/true);
    return [kernel, radius, calls](const at::Tensor& x, double sigma) {
        if (calls)
            ++*calls;
        const at::Tensor padded = at::reflection_pad2d(x, {radius, radius, radius, radius});
        const at::Tensor blurred = at::conv2d(padded, kernel, at::Tensor(), at::IntArrayRef{1, 1}, at::IntArrayRef{0, 0}, at::IntArrayRef{1, 1}, /*groups=*/4);
        const double a = 1.0 / (1.0 + sigma * sigma), b = sigma / (1.0 + sigma);
        return blurred * a + at::tanh(x) * b;
    };
}

/// A plan over a width x height latent (scale 1) with tiles of `tile`, `overlap` and `halo`.
TilePlan latentPlan(int width, int height, int tile, int overlap, int halo)
{
    TileSettings settings;
    settings.tileSize = tile;
    settings.overlap = overlap;
    settings.halo = halo;
    return TilePlan(width, height, settings);
}

double maxDifference(const at::Tensor& a, const at::Tensor& b)
{
    return (a - b).abs().max().item<double>();
}

} // namespace

class TestTiledDenoiser : public QObject {
    Q_OBJECT

private slots:
    void init() { at::manual_seed(7); }

    void localDenoiserTiledEqualsWholeAtEveryCall()
    {
        c10::InferenceMode guard;
        const Denoiser whole = localDenoiser(2);
        // 40 x 28 latent, 16-pixel tiles overlapping by 4: 3 x 2 tiles, a
        // halo of 2 = the radius.
        const TilePlan plan = latentPlan(40, 28, 16, 4, 2);
        QCOMPARE(plan.tileCount(), 6);
        const Denoiser tiled = tiledDenoiser(whole, plan);
        for (double sigma : {14.6, 3.0, 0.3}) {
            const at::Tensor x = at::randn({1, 4, 28, 40}) * sigma;
            const double difference = maxDifference(tiled(x, sigma), whole(x, sigma));
            QVERIFY2(difference < 1e-6, qPrintable(QString::number(difference)));
        }
    }

    void wholeSamplerRunsThroughTheTilesEqualTheUntiledRuns_data()
    {
        QTest::addColumn<QString>("sampler");
        // noise from a seeded generator, a Brownian tree, two evaluations per step, a multistep history
        for (const char* name : {"euler_ancestral", "dpmpp_2m_sde", "heun", "dpmpp_2m", "uni_pc"})
            QTest::newRow(name) << QString(name);
    }
    void wholeSamplerRunsThroughTheTilesEqualTheUntiledRuns()
    {
        c10::InferenceMode guard;
        QFETCH(QString, sampler);
        const Denoiser whole = localDenoiser(1);
        TiledDenoiserOptions options;
        options.batch = 2;
        const Denoiser tiled = tiledDenoiser(whole, latentPlan(36, 20, 12, 4, 1), options);
        const at::Tensor sigmas = karrasSigmas(8, 0.0292, 14.6146);
        const at::Tensor x = at::randn({1, 4, 20, 36}) * sigmas[0].item<double>();
        const at::Tensor a = runSampler(sampler.toStdString(), whole, x, sigmas, 5);
        const at::Tensor b = runSampler(sampler.toStdString(), tiled, x, sigmas, 5);
        const double difference = maxDifference(a, b);
        qInfo("%s: tiled vs whole %.3g (|x| up to %.3g)", qPrintable(sampler), difference,
              a.abs().max().item<double>());
        QVERIFY(difference < 1e-5);
    }

    void batchesChangeNothing()
    {
        c10::InferenceMode guard;
        const Denoiser inner = localDenoiser(1);
        const TilePlan plan = latentPlan(30, 30, 12, 4, 1);
        const at::Tensor x = at::randn({1, 4, 30, 30});
        TiledDenoiserOptions one, three;
        three.batch = 3;
        QVERIFY(maxDifference(tiledDenoiser(inner, plan, one)(x, 1.0), tiledDenoiser(inner, plan, three)(x, 1.0)) < 1e-6);
    }

    void aHaloBelowTheRadiusIsNotExact()
    {
        // The blend hides what the halo misses, but it is no longer the whole
        // result: the halo is what makes the tiling exact.
        c10::InferenceMode guard;
        const Denoiser whole = localDenoiser(2);
        const at::Tensor x = at::randn({1, 4, 28, 40});
        const double difference = maxDifference(tiledDenoiser(whole, latentPlan(40, 28, 16, 4, 0))(x, 1.0), whole(x, 1.0));
        QVERIFY2(difference > 1e-4, qPrintable(QString::number(difference)));
    }

    void oneTileCallsTheDenoiserOnTheLatentItself()
    {
        c10::InferenceMode guard;
        int calls = 0;
        const Denoiser inner = localDenoiser(1, &calls);
        int reported = 0;
        TiledDenoiserOptions options;
        options.tilesDone = [&](int done, int total) {
            QCOMPARE(done, 1);
            QCOMPARE(total, 1);
            ++reported;
        };
        const Denoiser tiled = tiledDenoiser(inner, latentPlan(24, 16, 64, 0, 0), options);
        const at::Tensor x = at::randn({1, 4, 16, 24});
        QVERIFY(tiled(x, 2.0).equal(inner(x, 2.0)));
        QCOMPARE(calls, 2);
        QCOMPARE(reported, 1);
    }

    void aPlanInImagePixelsTilesTheLatent()
    {
        // The refine job's plans are in image pixels with scale 1/8: their
        // output coordinates are the latent's.
        c10::InferenceMode guard;
        TileSettings settings;
        settings.tileSize = 96;
        settings.overlap = 32;
        settings.halo = 16;
        settings.scale = ScaleRatio(1, 8);
        const TilePlan plan(256, 160, settings);
        QVERIFY(plan.tileCount() > 1);
        const Denoiser whole = localDenoiser(2);
        const at::Tensor x = at::randn({1, 4, 20, 32});
        QVERIFY(maxDifference(tiledDenoiser(whole, plan)(x, 0.5), whole(x, 0.5)) < 1e-6);
    }

    void progressAndCancelBetweenBatches()
    {
        c10::InferenceMode guard;
        std::vector<std::pair<int, int>> reports;
        TiledDenoiserOptions options;
        options.batch = 2;
        options.tilesDone = [&](int done, int total) {
            reports.emplace_back(done, total);
            if (done >= 4)
                throw Error(ErrorCode::Cancelled, "cancelled");
        };
        const Denoiser tiled = tiledDenoiser(localDenoiser(1), latentPlan(40, 28, 16, 4, 1), options);
        TESSERA_VERIFY_ERROR(tiled(at::randn({1, 4, 28, 40}), 1.0), ErrorCode::Cancelled);
        QCOMPARE(reports.size(), size_t(2)); // stopped after the second batch of 2, not at the end
        QCOMPARE(reports.back(), std::make_pair(4, 6));
    }

    void aLatentOfAnotherSizeIsRefused()
    {
        c10::InferenceMode guard;
        const Denoiser tiled = tiledDenoiser(localDenoiser(1), latentPlan(40, 28, 16, 4, 1));
        TESSERA_VERIFY_ERROR(tiled(at::randn({1, 4, 28, 41}), 1.0), ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestTiledDenoiser)
#include "tst_tiled_denoiser.moc"

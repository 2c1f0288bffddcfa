// The single-step samplers (euler_ancestral, heun, dpm_2, dpm_2_ancestral,
// lms, lcm, dpmpp_2s_ancestral; euler beside them for reference) on data
// whose exact denoiser is known (gaussian_data.h): the final samples' moments,
// the order of convergence to the exact ODE solution, splitting a run, seeded
// reproduction, ComfyUI's special cases, and against ComfyUI's own code
// (tests/data/sampling/reference_sampling.safetensors: 10 Karras steps on
// [2, 4, 8, 8], the ancestral ones with default_noise_sampler(x, seed=42)).

#include "common/torch_compat.h"
#include "diffusion/samplers/dpm_2.h"
#include "diffusion/samplers/dpm_2_ancestral.h"
#include "diffusion/samplers/dpmpp_2s_ancestral.h"
#include "diffusion/samplers/euler.h"
#include "diffusion/samplers/euler_ancestral.h"
#include "diffusion/samplers/heun.h"
#include "diffusion/samplers/lcm.h"
#include "diffusion/samplers/ancestral_step.h"
#include "diffusion/samplers/lms.h"
#include "diffusion/samplers/sampler_registry.h"
#include "diffusion/sampling/discrete_schedule.h"
#include "diffusion/sampling/noise.h"
#include "diffusion/sampling/schedulers.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "core/diffusion/sampling/gaussian_data.h"
#include "core/diffusion/sampling/sampling_reference.h"

#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

using namespace tessera;
using namespace tessera::sd;

namespace {

const std::vector<std::string> kDeterministicSamplers{"euler", "heun", "dpm_2", "lms"};
const std::vector<std::string> kStochasticSamplers{"euler_ancestral", "dpm_2_ancestral", "dpmpp_2s_ancestral", "lcm"};

/// SD's Karras schedule: `steps` steps from the schedule's sigma max to its sigma min, then 0.
at::Tensor stableDiffusionKarras(int steps)
{
    const DiscreteSchedule schedule = DiscreteSchedule::stableDiffusion();
    return karrasSigmas(steps, schedule.sigmaMin(), schedule.sigmaMax());
}

void addSamplerRows(const std::vector<std::string>& names)
{
    QTest::addColumn<QString>("sampler");
    for (const std::string& name : names)
        QTest::newRow(name.c_str()) << QString::fromStdString(name);
}

} // namespace

class TestSamplersSingleStep : public QObject {
    Q_OBJECT

private slots:
    void finalMoments_data();
    void finalMoments();
    void orderOfConvergence_data();
    void orderOfConvergence();
    void splitRunEqualsWhole_data();
    void splitRunEqualsWhole();
    void seedReproduces_data();
    void seedReproduces();
    void etaZeroIsTheOdeStep();
    void lmsCoefficientsOnAnEvenGrid();
    void matchesComfyUi_data();
    void matchesComfyUi();
};

void TestSamplersSingleStep::finalMoments_data()
{
    std::vector<std::string> all = kDeterministicSamplers;
    all.insert(all.end(), kStochasticSamplers.begin(), kStochasticSamplers.end());
    addSamplerRows(all);
}

void TestSamplersSingleStep::finalMoments()
{
    QFETCH(QString, sampler);
    c10::InferenceMode guard;
    const test::GaussianData data;
    const int64_t count = 20000;
    // Enough steps that the discretisation bias of the first-order samplers
    // (about 1 / steps relative) stays well inside the statistical band.
    const int steps = 400;
    const at::Tensor sigmas = stableDiffusionKarras(steps);
    const double sigmaMax = sigmas[0].item<double>(), sigmaLast = sigmas[steps - 1].item<double>();
    const at::Tensor x0 = data.noisedSamples(count, sigmaMax, seededGenerator(at::kCPU, 3)).view({1, 4, 50, 100});
    const at::Tensor x = runSampler(sampler.toStdString(), data.denoiser(), x0, sigmas, 11);
    const double mean = x.mean().item<double>(), variance = x.var().item<double>();

    // Every sampler's last step (to 0) returns the denoised x, the posterior
    // mean of the data given x ~ N(mean, std^2 + sigma^2): its variance is
    // std^4 / (std^2 + sigma^2), a little under std^2.
    const double s2 = data.std * data.std;
    double expectedVariance = s2 * s2 / (s2 + sigmaLast * sigmaLast);
    if (sampler == "lcm") {
        // LCM puts the denoised mean back with fresh noise: the variance follows
        // v' = (std^2 / (std^2 + sigma^2))^2 v + sigma'^2, not the data's std^2.
        expectedVariance = s2 + sigmaMax * sigmaMax;
        for (int i = 0; i < steps; ++i) {
            const double sigma = sigmas[i].item<double>(), next = sigmas[i + 1].item<double>();
            const double shrink = s2 / (s2 + sigma * sigma);
            expectedVariance = shrink * shrink * expectedVariance + next * next;
        }
    }
    // Five standard errors of N samples: std / sqrt(N) for the mean, var sqrt(2 / N) for the variance.
    const double meanTolerance = 5.0 * std::sqrt(expectedVariance / count);
    const double varianceTolerance = 5.0 * expectedVariance * std::sqrt(2.0 / count);
    qInfo("%s: mean %.5f (want %.2f +- %.4f), variance %.5f (want %.5f +- %.5f)", qPrintable(sampler), mean,
          data.mean, meanTolerance, variance, expectedVariance, varianceTolerance);
    QVERIFY(std::abs(mean - data.mean) <= meanTolerance);
    QVERIFY(std::abs(variance - expectedVariance) <= varianceTolerance);
}

void TestSamplersSingleStep::orderOfConvergence_data()
{
    QTest::addColumn<QString>("sampler");
    QTest::addColumn<double>("lowestOrder");
    QTest::addColumn<double>("highestOrder");
    // Measured (8 -> 16 -> 32 -> 64 steps): euler 0.94, 0.97, 0.98; heun 2.11,
    // 2.05, 2.03; dpm_2 2.09, 2.05, 2.02; lms 2.7, 3.4, 3.7, rising towards 4
    // as the lower-order start (orders 1, 2, 3 in its first steps) weighs less.
    QTest::newRow("euler") << "euler" << 0.9 << 1.1;
    QTest::newRow("heun") << "heun" << 1.9 << 2.2;
    QTest::newRow("dpm_2") << "dpm_2" << 1.9 << 2.2;
    QTest::newRow("lms") << "lms" << 2.5 << 4.5;
}

void TestSamplersSingleStep::orderOfConvergence()
{
    QFETCH(QString, sampler);
    QFETCH(double, lowestOrder);
    QFETCH(double, highestOrder);
    c10::InferenceMode guard;
    const test::GaussianData data;
    // Karras steps from 10 down to 0.05, without the final jump to 0 (the exact
    // denoiser would land that on the data whatever the error before).
    const double sigmaMax = 10.0, sigmaMin = 0.05;
    const at::Tensor x0 = data.mean + at::linspace(-3.0, 3.0, 64, at::kDouble).view({1, 4, 4, 4}) *
                                          std::sqrt(data.std * data.std + sigmaMax * sigmaMax);
    const at::Tensor exact = data.flow(x0, sigmaMax, sigmaMin);
    std::vector<double> errors;
    for (int steps : {8, 16, 32, 64}) {
        const at::Tensor sigmas = karrasSigmas(steps + 1, sigmaMin, sigmaMax).narrow(0, 0, steps + 1);
        const at::Tensor x = runSampler(sampler.toStdString(), data.denoiser(), x0, sigmas, 0);
        errors.push_back((x - exact).abs().max().item<double>());
    }
    for (size_t k = 1; k < errors.size(); ++k) {
        const double order = std::log2(errors[k - 1] / errors[k]);
        qInfo("%s: %d -> %d steps: error %.3e -> %.3e, order %.3f", qPrintable(sampler), 8 << (k - 1), 8 << k,
              errors[k - 1], errors[k], order);
        QVERIFY(order >= lowestOrder && order <= highestOrder);
    }
}

void TestSamplersSingleStep::splitRunEqualsWhole_data()
{
    addSamplerRows({"euler", "heun", "dpm_2"});
}

void TestSamplersSingleStep::splitRunEqualsWhole()
{
    QFETCH(QString, sampler);
    c10::InferenceMode guard;
    const test::GaussianData data;
    const at::Tensor sigmas = stableDiffusionKarras(10);
    const at::Tensor x0 = data.noisedSamples(2 * 4 * 8 * 8, sigmas[0].item<double>(), seededGenerator(at::kCPU, 5))
                              .to(at::kFloat)
                              .view({2, 4, 8, 8});
    const std::string name = sampler.toStdString();
    const at::Tensor whole = runSampler(name, data.denoiser(), x0, sigmas, 0);
    for (int64_t k : {1, 4, 9}) {
        const at::Tensor first = runSampler(name, data.denoiser(), x0, sigmas.narrow(0, 0, k + 1), 0);
        const at::Tensor split = runSampler(name, data.denoiser(), first, sigmas.narrow(0, k, sigmas.size(0) - k), 0);
        QVERIFY2(at::equal(split, whole), qPrintable(QString("split at step %1").arg(k)));
    }
}

void TestSamplersSingleStep::seedReproduces_data()
{
    addSamplerRows(kStochasticSamplers);
}

void TestSamplersSingleStep::seedReproduces()
{
    QFETCH(QString, sampler);
    c10::InferenceMode guard;
    const test::GaussianData data;
    const at::Tensor sigmas = stableDiffusionKarras(8);
    const at::Tensor x0 = data.noisedSamples(2 * 4 * 8 * 8, sigmas[0].item<double>(), seededGenerator(at::kCPU, 5))
                              .to(at::kFloat)
                              .view({2, 4, 8, 8});
    const std::string name = sampler.toStdString();
    const at::Tensor first = runSampler(name, data.denoiser(), x0, sigmas, 42);
    QVERIFY(at::equal(runSampler(name, data.denoiser(), x0, sigmas, 42), first));
    QVERIFY(!at::equal(runSampler(name, data.denoiser(), x0, sigmas, 43), first));
}

void TestSamplersSingleStep::etaZeroIsTheOdeStep()
{
    c10::InferenceMode guard;
    const test::GaussianData data;
    // Ending at the last positive sigma: the step to 0 differs on purpose
    // (euler_ancestral returns the denoised x there, euler steps to it).
    const at::Tensor sigmas = stableDiffusionKarras(8).narrow(0, 0, 8);
    const at::Tensor x0 = data.noisedSamples(2 * 4 * 8 * 8, sigmas[0].item<double>(), seededGenerator(at::kCPU, 5))
                              .to(at::kFloat)
                              .view({2, 4, 8, 8});
    const NoiseSampler noise = seededNoiseSampler(x0, 1);
    QVERIFY(at::equal(sampleEulerAncestral(data.denoiser(), x0, sigmas, noise, {}, 0.0),
                      sampleEuler(data.denoiser(), x0, sigmas)));
    QVERIFY(at::equal(sampleDpm2Ancestral(data.denoiser(), x0, sigmas, noise, {}, 0.0),
                      sampleDpm2(data.denoiser(), x0, sigmas)));
    QCOMPARE(ancestralStep(5.0, 3.0, 0.0).sigmaDown, 3.0);
    QCOMPARE(ancestralStep(5.0, 3.0, 0.0).sigmaUp, 0.0);
    // eta 1: sigma_up = 3 sqrt(1 - 9/25) = 2.4, sigma_down = sqrt(9 - 5.76) = 1.8.
    QVERIFY(std::abs(ancestralStep(5.0, 3.0, 1.0).sigmaUp - 2.4) < 1e-12);
    QVERIFY(std::abs(ancestralStep(5.0, 3.0, 1.0).sigmaDown - 1.8) < 1e-12);
    // A large eta caps sigma_up at sigma_next: all noise, no ODE step.
    QCOMPARE(ancestralStep(5.0, 3.0, 10.0).sigmaUp, 3.0);
    QCOMPARE(ancestralStep(5.0, 3.0, 10.0).sigmaDown, 0.0);
    QCOMPARE(ancestralStep(5.0, 0.0, 1.0).sigmaDown, 0.0);
    QCOMPARE(ancestralStep(5.0, 0.0, 1.0).sigmaUp, 0.0);
}

void TestSamplersSingleStep::lmsCoefficientsOnAnEvenGrid()
{
    // On an even grid (step h) LMS is Adams-Bashforth: h (1), h (3, -1) / 2,
    // h (23, -16, 5) / 12, h (55, -59, 37, -9) / 24.
    const double h = -0.25;
    const std::vector<double> sigmas{3.0, 2.75, 2.5, 2.25, 2.0};
    const std::vector<std::vector<double>> adamsBashforth{
        {1.0}, {1.5, -0.5}, {23.0 / 12, -16.0 / 12, 5.0 / 12}, {55.0 / 24, -59.0 / 24, 37.0 / 24, -9.0 / 24}};
    for (int order = 1; order <= 4; ++order) {
        const std::vector<double> coefficients = lmsCoefficients(sigmas, 3, order);
        QCOMPARE(int(coefficients.size()), order);
        for (int j = 0; j < order; ++j)
            QVERIFY2(std::abs(coefficients[size_t(j)] - h * adamsBashforth[size_t(order - 1)][size_t(j)]) < 1e-13,
                     qPrintable(QString("order %1, c_%2 = %3").arg(order).arg(j).arg(coefficients[size_t(j)])));
    }
}

void TestSamplersSingleStep::matchesComfyUi_data()
{
    std::vector<std::string> all = kDeterministicSamplers;
    all.insert(all.end(), kStochasticSamplers.begin(), kStochasticSamplers.end());
    addSamplerRows(all);
}

void TestSamplersSingleStep::matchesComfyUi()
{
    QFETCH(QString, sampler);
    c10::InferenceMode guard;
    const nlohmann::json& metadata = test::samplingMetadata();
    const test::GaussianData data{metadata.at("gaussian").at("mean").get<double>(),
                                  metadata.at("gaussian").at("std").get<double>()};
    // seededNoiseSampler(x, seed) is ComfyUI's default_noise_sampler(x, seed).
    const uint64_t seed = metadata.at("extra_args_seed").get<uint64_t>();
    const std::string key = "sampler." + sampler.toStdString();
    const at::Tensor x0 = test::samplingReference("sampler.input");
    at::Tensor afterFirstStep;
    const StepCallback keepFirst = [&](int step, int, const at::Tensor& x, const at::Tensor&) {
        if (step == 0)
            afterFirstStep = x.clone();
    };
    const at::Tensor x = runSampler(sampler.toStdString(), data.denoiser(), x0, test::samplingReference(key + ".sigmas"),
                                    seed, keepFirst);
    const double firstStepError = test::relativeError(afterFirstStep, test::samplingReference(key + ".step1"));
    const double finalError = test::relativeError(x, test::samplingReference(key + ".x"));
    qInfo("%s: relative error after one step %.3e, at the end %.3e", qPrintable(sampler), firstStepError, finalError);
    QVERIFY(firstStepError <= 1e-5);
    QVERIFY(finalError <= 1e-5);
}

QTEST_GUILESS_MAIN(TestSamplersSingleStep)
#include "tst_samplers_single_step.moc"

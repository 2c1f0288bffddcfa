// The DPM-Solver++ family and UniPC on data whose exact denoiser and ODE
// solution are known (N(mean, std^2) elements): the distribution they land
// on, their measured order of convergence, the history that each call
// restarts (as each ComfyUI KSampler call does), seeded reproducibility; and
// equality with ComfyUI's own samplers on the sampling fixtures.

#include "diffusion/samplers/dpmpp_2m.h"
#include "diffusion/samplers/dpmpp_2m_sde.h"
#include "diffusion/samplers/dpmpp_3m_sde.h"
#include "diffusion/samplers/dpmpp_sde.h"
#include "diffusion/samplers/uni_pc.h"
#include "diffusion/samplers/sampler_registry.h"
#include "diffusion/sampling/noise.h"
#include "diffusion/sampling/schedulers.h"

#include "common/torch_compat.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "core/diffusion/diffusion_fixtures.h"
#include "core/diffusion/sampling/gaussian_data.h"
#include "core/diffusion/sampling/sampling_reference.h"

#include <QtTest>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace tessera;
using namespace tessera::sd;

namespace {

// SD's schedule range (DiscreteSchedule::stableDiffusion()'s sigmaMin / sigmaMax).
constexpr double kSigmaMin = 0.0292;
constexpr double kSigmaMax = 14.6146;

/// A sampler with its noise (seed `seed`, drawn like x) bound: (denoiser, x, sigmas, callback) -> x.
using Sampler = std::function<at::Tensor(const Denoiser&, const at::Tensor&, const at::Tensor&, const StepCallback&)>;

struct NamedSampler {
    std::string name; ///< ComfyUI's name
    Sampler run;
    int calls; ///< denoiser calls for `steps` steps ending at 0
};

std::vector<NamedSampler> allSamplers(int steps, uint64_t seed)
{
    using Callback = const StepCallback&;
    using WithNoise = std::function<at::Tensor(const Denoiser&, const at::Tensor&, const at::Tensor&,
                                               const NoiseSampler&, Callback)>;
    const auto sde = [seed](WithNoise sample) -> Sampler {
        return [seed, sample](const Denoiser& d, const at::Tensor& x, const at::Tensor& s, Callback c) {
            return sample(d, x, s, seededNoiseSampler(x, seed), c);
        };
    };
    const auto heun = [](const Denoiser& d, const at::Tensor& x, const at::Tensor& s, const NoiseSampler& n,
                         Callback c) { return sampleDpmpp2mSde(d, x, s, n, c, 1.0, 1.0, Dpmpp2mSdeSolver::Heun); };
    return {
        {"dpmpp_2m", [](auto&&... a) { return sampleDpmpp2m(a...); }, steps},
        {"uni_pc", [](auto&&... a) { return sampleUniPc(a...); }, steps},
        {"dpmpp_sde", sde([](auto&&... a) { return sampleDpmppSde(a...); }), 2 * steps - 1},
        {"dpmpp_2m_sde", sde([](auto&&... a) { return sampleDpmpp2mSde(a...); }), steps},
        {"dpmpp_2m_sde_heun", sde(heun), steps},
        {"dpmpp_3m_sde", sde([](auto&&... a) { return sampleDpmpp3mSde(a...); }), steps},
    };
}

/// The noise a Brownian motion in sigma gives dpmpp_sde (as ComfyUI's default
/// BrownianTreeNoiseSampler does): each step asks for z_1 over (sigma_i, sigma(s))
/// and then z_2 over (sigma_i, sigma_{i+1}), which contains the first interval,
/// so corr(z_1, z_2) = sqrt((sigma_i - sigma(s)) / (sigma_i - sigma_{i+1})).
NoiseSampler pairedBrownianNoise(const at::Tensor& like, uint64_t seed)
{
    struct FirstDraw {
        at::Tensor z;
        double interval = 0.0;
    };
    auto first = std::make_shared<FirstDraw>();
    at::Generator generator = seededGenerator(like.device(), seed);
    const std::vector<int64_t> shape = like.sizes().vec();
    const at::TensorOptions options = like.options();
    return [=](double sigma, double sigmaNext) mutable {
        const at::Tensor z = at::randn(shape, generator, options);
        if (!first->z.defined()) {
            *first = {z, sigma - sigmaNext};
            return z;
        }
        const double correlation = std::sqrt(first->interval / (sigma - sigmaNext));
        const at::Tensor paired = first->z * correlation + z * std::sqrt(1.0 - correlation * correlation);
        *first = {};
        return paired;
    };
}

/// `steps` Karras steps from kSigmaMax down to kSigmaMin, without the final 0: [steps + 1] fp64.
at::Tensor positiveKarras(int steps)
{
    return karrasSigmas(steps + 1, kSigmaMin, kSigmaMax).slice(0, 0, steps + 1).to(at::kDouble);
}

/// The error of `sampler` against the exact ODE solution on positiveKarras(steps).
double flowError(const Sampler& sampler, const test::GaussianData& data, const at::Tensor& x, int steps)
{
    const at::Tensor sigmas = positiveKarras(steps);
    const at::Tensor exact = data.flow(x, sigmas[0].item<double>(), sigmas[steps].item<double>());
    return test::relativeError(sampler(data.denoiser(), x, sigmas, {}) - data.mean, exact - data.mean);
}

} // namespace

class TestSamplersMultistep : public QObject {
    Q_OBJECT

private slots:
    void landsOnTheDataDistribution();
    void convergesAtItsOrder();
    void eachCallRestartsTheHistory();
    void seedReproducesBitForBit();
    void matchesComfyUi();
    void cudaAgreesWithTheCpu();
};

// 40 Karras steps from N(mean, std^2 + sigmaMax^2) to 0 land on the data's
// mean and std (the ODE samplers move each sample deterministically, the SDE
// ones add fresh noise each step and keep the marginals). 65536 samples: the
// sample mean's standard error is ~0.0012 and the std's 0.28 %; the rest of
// the tolerances is the 40 steps' discretisation (measured: std within 1.2 %,
// 0.5 % of it from the last step's jump to D, whose variance is
// std^4 / (std^2 + sigmaMin^2)). dpmpp_sde is the exception: it is written for
// Brownian noise, where its sub-step's noise z_1 over (sigma_i, sigma(s)) is
// part of its step's z_2 over (sigma_i, sigma_{i+1}); with independent draws
// (seededNoiseSampler, ComfyUI's default_noise_sampler) it lands 8 % short in
// std, with Brownian increments (pairedBrownianNoise) within 1.1 %.
void TestSamplersMultistep::landsOnTheDataDistribution()
{
    c10::InferenceMode guard;
    const test::GaussianData data{0.5, 0.3};
    const int steps = 40;
    const at::Tensor sigmas = karrasSigmas(steps, kSigmaMin, kSigmaMax).to(at::kDouble);
    at::Generator generator = seededGenerator(at::kCPU, 7);
    const at::Tensor x = data.noisedSamples(4 * 4 * 64 * 64, kSigmaMax, generator).reshape({4, 4, 64, 64});
    const auto check = [&](const std::string& name, const at::Tensor& samples, double minStdRatio, double maxStdRatio) {
        const double mean = samples.mean().item<double>(), stdRatio = samples.std().item<double>() / data.std;
        qInfo("%s: mean %.5f (data %.2f), std / data std %.4f", name.c_str(), mean, data.mean, stdRatio);
        QVERIFY2(std::abs(mean - data.mean) < 0.005, name.c_str());
        QVERIFY2(stdRatio > minStdRatio && stdRatio < maxStdRatio, name.c_str());
    };
    for (const NamedSampler& sampler : allSamplers(steps, 42)) {
        int calls = 0;
        const at::Tensor samples = sampler.run(data.denoiser(&calls), x, sigmas, {});
        QCOMPARE(calls, sampler.calls);
        if (sampler.name == "dpmpp_sde")
            check(sampler.name + " (independent noise)", samples, 0.88, 0.96);
        else
            check(sampler.name, samples, 0.98, 1.02);
        if (QTest::currentTestFailed())
            return;
    }
    const at::Tensor brownian = sampleDpmppSde(data.denoiser(), x, sigmas, pairedBrownianNoise(x, 42));
    check("dpmpp_sde (Brownian noise)", brownian, 0.98, 1.02);
}

// On a schedule that stops at sigmaMin > 0 (a final jump to 0 would return the
// exact denoiser and hide the error), the error against the exact flow falls
// by 2^order as the steps double: 2 for DPM-Solver++(2M); UniPC's bh1
// predictor-corrector is of order 3 inside, but its last step is the
// first-order DPM-Solver++ step (ComfyUI's lower_order_final), so 2 in all.
// Measured from 40 steps on, where the orders have settled (from 10 to 20
// steps they are 1.53 and 5.36): 2m 2.03, 2.02; uni_pc 2.01, 2.10.
void TestSamplersMultistep::convergesAtItsOrder()
{
    c10::InferenceMode guard;
    const test::GaussianData data{0.5, 0.3};
    at::Generator generator = seededGenerator(at::kCPU, 3);
    const at::Tensor x = data.noisedSamples(64, kSigmaMax, generator).reshape({1, 4, 4, 4});
    for (const NamedSampler& sampler : allSamplers(0, 0)) {
        if (sampler.name != "dpmpp_2m" && sampler.name != "uni_pc")
            continue;
        const char* name = sampler.name.c_str();
        double previous = 0.0;
        for (int steps = 40; steps <= 160; steps *= 2) {
            const double error = flowError(sampler.run, data, x, steps);
            if (previous > 0.0) {
                const double order = std::log2(previous / error);
                qInfo("%s: %d steps, relative error %.3e, order %.3f", name, steps, error, order);
                QVERIFY2(order > 1.9 && order < 2.2, name);
            } else {
                qInfo("%s: %d steps, relative error %.3e", name, steps, error);
            }
            previous = error;
        }
    }
}

// A dpmpp_2m run split at step k into two calls: the first call is the whole
// run's first k steps bit for bit; the second call starts without history, so
// its first step is the first-order DPM-Solver++ step (written out here), and
// its result is not the whole run's.
void TestSamplersMultistep::eachCallRestartsTheHistory()
{
    c10::InferenceMode guard;
    const test::GaussianData data{0.5, 0.3};
    const int steps = 20, split = 10;
    const at::Tensor sigmas = karrasSigmas(steps, kSigmaMin, kSigmaMax);
    const at::Tensor x = initialNoise({1, 4, 8, 8}, 11) * kSigmaMax + data.mean;
    const Denoiser denoiser = data.denoiser();

    std::vector<at::Tensor> wholeSteps;
    const at::Tensor whole = sampleDpmpp2m(denoiser, x, sigmas, [&](int, int, const at::Tensor& xi, const at::Tensor&) {
        wholeSteps.push_back(xi);
    });
    QCOMPARE(int(wholeSteps.size()), steps);

    const at::Tensor firstHalf = sampleDpmpp2m(denoiser, x, sigmas.slice(0, 0, split + 1));
    QVERIFY(at::equal(firstHalf, wholeSteps[split - 1]));

    at::Tensor secondFirstStep;
    const at::Tensor secondHalf = sampleDpmpp2m(denoiser, firstHalf, sigmas.slice(0, split),
                                                [&](int step, int, const at::Tensor& xi, const at::Tensor&) {
                                                    if (step == 0)
                                                        secondFirstStep = xi;
                                                });
    const double sigma = sigmas[split].item<double>(), next = sigmas[split + 1].item<double>();
    const double h = std::log(sigma / next);
    const at::Tensor firstOrderStep = firstHalf * (next / sigma) - denoiser(firstHalf, sigma) * std::expm1(-h);
    QVERIFY(at::equal(secondFirstStep, firstOrderStep));
    QVERIFY(!at::equal(secondFirstStep, wholeSteps[split]));

    const double stepDifference = test::relativeError(secondFirstStep - data.mean, wholeSteps[split] - data.mean);
    const double resultDifference = test::relativeError(secondHalf - data.mean, whole - data.mean);
    qInfo("restart at step %d: step %d differs by %.3e, the result by %.3e (relative)", split, split + 1,
          stepDifference, resultDifference);
    QVERIFY(stepDifference > 1e-3 && stepDifference < 1e-2);
    QVERIFY(resultDifference > 1e-3 && resultDifference < 1e-2);
}

// The stochastic samplers with seededNoiseSampler: one seed gives one result
// bit for bit, another seed another result.
void TestSamplersMultistep::seedReproducesBitForBit()
{
    c10::InferenceMode guard;
    const test::GaussianData data{0.5, 0.3};
    const int steps = 8;
    const at::Tensor sigmas = karrasSigmas(steps, kSigmaMin, kSigmaMax);
    const at::Tensor x = initialNoise({2, 4, 8, 8}, 5) * kSigmaMax + data.mean;
    const std::vector<NamedSampler> seed42 = allSamplers(steps, 42), again = allSamplers(steps, 42),
                                    seed43 = allSamplers(steps, 43);
    for (size_t i = 2; i < seed42.size(); ++i) {
        const at::Tensor first = seed42[i].run(data.denoiser(), x, sigmas, {});
        QVERIFY2(at::equal(first, again[i].run(data.denoiser(), x, sigmas, {})), seed42[i].name.c_str());
        QVERIFY2(!at::equal(first, seed43[i].run(data.denoiser(), x, sigmas, {})), seed42[i].name.c_str());
    }
}

// ComfyUI's own samplers (scripts/sampling_reference/make_fixtures.py) on
// sampler.input over their 10 Karras sigmas, on the Gaussian denoiser: the
// result and the x after the first step. The stochastic ones drew from
// default_noise_sampler(x, seed=42), which seededNoiseSampler(x, 42) is
// (both seed the CPU generator with seed + 1). ComfyUI's uni_pc reports x in
// the VP scale, x / sqrt(1 + sigma^2).
void TestSamplersMultistep::matchesComfyUi()
{
    c10::InferenceMode guard;
    const nlohmann::json& gaussian = test::samplingMetadata()["gaussian"];
    const test::GaussianData data{gaussian["mean"].get<double>(), gaussian["std"].get<double>()};
    const uint64_t comfyNoiseSeed = test::samplingMetadata()["extra_args_seed"].get<uint64_t>();
    const at::Tensor x = test::samplingReference("sampler.input");
    for (const NamedSampler& sampler : allSamplers(0, comfyNoiseSeed)) {
        if (sampler.name == "dpmpp_2m_sde_heun") // not among ComfyUI's fixtures
            continue;
        const std::string key = "sampler." + sampler.name;
        const at::Tensor sigmas = test::samplingReference(key + ".sigmas");
        at::Tensor step1;
        const StepCallback keepStep1 = [&](int step, int, const at::Tensor& xi, const at::Tensor&) {
            if (step == 0)
                step1 = xi;
        };
        const at::Tensor result = sampler.run(data.denoiser(), x, sigmas, keepStep1);
        if (sampler.name == "uni_pc")
            step1 = step1 / std::sqrt(1.0 + std::pow(sigmas[1].item<double>(), 2));
        const double resultError = test::relativeError(result, test::samplingReference(key + ".x"));
        const double step1Error = test::relativeError(step1, test::samplingReference(key + ".step1"));
        qInfo("%s: relative error %.2e, after the first step %.2e", sampler.name.c_str(), resultError, step1Error);
        QVERIFY2(resultError <= 1e-5 && step1Error <= 1e-5, sampler.name.c_str());
    }
}

// The gpu label's check: the samplers whose noise does not depend on the
// device (none, or the Brownian tree on the CPU) give on CUDA what they give
// on the CPU, within fp16 tolerance. The latent stays fp32 on both, as in
// ComfyUI (the UNet's fp16 is the networks' gpu case).
void TestSamplersMultistep::cudaAgreesWithTheCpu()
{
    if (!cudaAvailable())
        QSKIP("no CUDA device");
    c10::InferenceMode guard;
    const test::GaussianData data;
    const at::Tensor x = test::samplingReference("sampler.input");
    const at::Tensor sigmas = test::samplingReference("sampler.euler.sigmas");
    for (const char* name : {"euler", "heun", "dpm_2", "lms", "dpmpp_2m", "uni_pc", "dpmpp_sde", "dpmpp_2m_sde",
                             "dpmpp_3m_sde"}) {
        const at::Tensor onCpu = runSampler(name, data.denoiser(), x, sigmas, 42);
        const at::Tensor onCuda = runSampler(name, data.denoiser(), x.to(at::kCUDA), sigmas, 42);
        const double error = test::relativeError(onCuda, onCpu);
        qInfo("%s: CUDA vs CPU, relative error %.2e", name, error);
        QVERIFY2(error <= 1e-2, name);
    }
}

QTEST_GUILESS_MAIN(TestSamplersMultistep)
#include "tst_samplers_multistep.moc"

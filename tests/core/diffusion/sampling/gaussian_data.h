#pragma once
// Data whose exact denoiser is known, for testing samplers without a network:
// every latent element is drawn from N(mean, std^2). Noised to sigma, x is
// N(mean, std^2 + sigma^2) and the ideal denoiser is
//   D(x, sigma) = mean + std^2 / (std^2 + sigma^2) (x - mean).
// The probability-flow ODE then moves x exactly as
//   x(sigma) = mean + (x(sigma0) - mean) sqrt((std^2 + sigma^2) / (std^2 + sigma0^2)).

#include "diffusion/sampling/denoiser.h"

#include <ATen/ATen.h>

#include <cmath>

namespace tessera::test {

struct GaussianData {
    double mean = 0.5;
    double std = 0.3;

    /// The exact denoiser D(x, sigma); counts its calls in `calls` when given.
    sd::Denoiser denoiser(int* calls = nullptr) const
    {
        const double m = mean, s2 = std * std;
        return [m, s2, calls](const at::Tensor& x, double sigma) {
            if (calls)
                ++*calls;
            return m + (x - m) * (s2 / (s2 + sigma * sigma));
        };
    }

    /// Where the ODE takes x from sigmaFrom to sigmaTo.
    at::Tensor flow(const at::Tensor& x, double sigmaFrom, double sigmaTo) const
    {
        const double s2 = std * std;
        return mean + (x - mean) * std::sqrt((s2 + sigmaTo * sigmaTo) / (s2 + sigmaFrom * sigmaFrom));
    }

    /// `count` samples of the data noised to `sigma` (x ~ N(mean, std^2 + sigma^2)), [count] fp64.
    at::Tensor noisedSamples(int64_t count, double sigma, at::Generator generator) const
    {
        return mean + at::randn({count}, generator, at::kDouble) * std::sqrt(std * std + sigma * sigma);
    }
};

} // namespace tessera::test

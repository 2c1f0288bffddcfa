#include "diffusion/samplers/dpmpp_sde.h"

#include "diffusion/samplers/ancestral_step.h"

#include <algorithm>
#include <cmath>

namespace tessera::sd {

at::Tensor sampleDpmppSde(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas, const NoiseSampler& noise,
                          const StepCallback& callback, double eta, double sNoise, double r)
{
    const int steps = int(sigmas.size(0)) - 1;
    const bool addsNoise = eta > 0.0 && sNoise > 0.0;
    // x_{t'} = e^{-h'} x + (1 - e^{-h'}) D plus the ancestral noise: the first-order
    // step from sigma to sigmaTo, through sd (h' = log(sigma / sd)).
    const auto subStep = [&](const at::Tensor& from, const at::Tensor& target, double sigma, double sigmaTo) {
        const AncestralStep ancestral = ancestralStep(sigma, sigmaTo, eta);
        const double h = std::log(sigma / ancestral.sigmaDown);
        at::Tensor to = from * std::exp(-h) - target * std::expm1(-h);
        if (addsNoise)
            to = to + noise(sigma, sigmaTo) * (ancestral.sigmaUp * sNoise);
        return to;
    };
    for (int i = 0; i < steps; ++i) {
        const double sigma = sigmas[i].item<double>(), next = sigmas[i + 1].item<double>();
        const at::Tensor denoised = denoiser(x, sigma);
        if (next == 0.0) {
            x = denoised;
        } else {
            const double h = std::log(sigma / next);   // t_{i+1} - t_i with t = -log sigma
            const double sigmaMid = sigma * std::exp(-r * h); // sigma(t_i + r h)
            const at::Tensor x2 = subStep(x, denoised, sigma, sigmaMid);
            const at::Tensor denoised2 = denoiser(x2, sigmaMid);
            const double fac = 1.0 / (2.0 * r);
            x = subStep(x, denoised * (1.0 - fac) + denoised2 * fac, sigma, next);
        }
        if (callback)
            callback(i, steps, x, denoised);
    }
    return x;
}

} // namespace tessera::sd

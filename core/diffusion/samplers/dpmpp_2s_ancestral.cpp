#include "diffusion/samplers/dpmpp_2s_ancestral.h"

#include "diffusion/samplers/ancestral_step.h"

#include <cmath>

namespace tessera::sd {

at::Tensor sampleDpmpp2sAncestral(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                                  const NoiseSampler& noise, const StepCallback& callback, double eta, double sNoise)
{
    const int steps = int(sigmas.size(0)) - 1;
    for (int i = 0; i < steps; ++i) {
        const double sigma = sigmas[i].item<double>(), next = sigmas[i + 1].item<double>();
        const at::Tensor denoised = denoiser(x, sigma);
        const AncestralStep step = ancestralStep(sigma, next, eta);
        if (step.sigmaDown == 0.0) {
            x = x + (x - denoised) / sigma * (step.sigmaDown - sigma);
        } else {
            const double t = -std::log(sigma), tDown = -std::log(step.sigmaDown);
            const double h = tDown - t, sigmaMid = std::exp(-(t + 0.5 * h));
            const at::Tensor xMid = x * (sigmaMid / sigma) - denoised * std::expm1(-0.5 * h);
            x = x * (step.sigmaDown / sigma) - denoiser(xMid, sigmaMid) * std::expm1(-h);
        }
        if (next > 0.0)
            x = x + noise(sigma, next) * (sNoise * step.sigmaUp);
        if (callback)
            callback(i, steps, x, denoised);
    }
    return x;
}

} // namespace tessera::sd

#include "diffusion/samplers/euler_ancestral.h"

#include <algorithm>
#include <cmath>

namespace tessera::sd {

at::Tensor sampleEulerAncestral(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                                const NoiseSampler& noise, const StepCallback& callback, double eta, double sNoise)
{
    const int steps = int(sigmas.size(0)) - 1;
    for (int i = 0; i < steps; ++i) {
        const double sigma = sigmas[i].item<double>(), next = sigmas[i + 1].item<double>();
        const at::Tensor denoised = denoiser(x, sigma);
        const AncestralStep step = ancestralStep(sigma, next, eta);
        if (step.sigmaDown == 0.0) {
            x = denoised;
        } else {
            const at::Tensor d = (x - denoised) / sigma;
            x = x + d * (step.sigmaDown - sigma) + noise(sigma, next) * (sNoise * step.sigmaUp);
        }
        if (callback)
            callback(i, steps, x, denoised);
    }
    return x;
}

} // namespace tessera::sd

#include "diffusion/samplers/dpm_2_ancestral.h"

#include "diffusion/samplers/dpm_2.h"
#include "diffusion/samplers/ancestral_step.h"

namespace tessera::sd {

at::Tensor sampleDpm2Ancestral(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                               const NoiseSampler& noise, const StepCallback& callback, double eta, double sNoise)
{
    const int steps = int(sigmas.size(0)) - 1;
    for (int i = 0; i < steps; ++i) {
        const double sigma = sigmas[i].item<double>(), next = sigmas[i + 1].item<double>();
        const at::Tensor denoised = denoiser(x, sigma);
        const AncestralStep step = ancestralStep(sigma, next, eta);
        const at::Tensor d = (x - denoised) / sigma;
        if (step.sigmaDown == 0.0) {
            x = x + d * (step.sigmaDown - sigma);
        } else {
            x = dpm2MidpointStep(denoiser, x, d, sigma, step.sigmaDown);
            x = x + noise(sigma, next) * (sNoise * step.sigmaUp);
        }
        if (callback)
            callback(i, steps, x, denoised);
    }
    return x;
}

} // namespace tessera::sd

#include "diffusion/samplers/lcm.h"

#include <algorithm>

namespace tessera::sd {

at::Tensor sampleLcm(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas, const NoiseSampler& noise,
                     const StepCallback& callback, double sNoise, std::optional<double> sNoiseEnd, double noiseClipStd)
{
    const int steps = int(sigmas.size(0)) - 1;
    const double sNoiseLast = sNoiseEnd.value_or(sNoise);
    for (int i = 0; i < steps; ++i) {
        const double sigma = sigmas[i].item<double>(), next = sigmas[i + 1].item<double>();
        const at::Tensor denoised = denoiser(x, sigma);
        x = denoised;
        if (next > 0.0) {
            at::Tensor z = noise(sigma, next);
            if (noiseClipStd > 0.0) {
                const double clip = noiseClipStd * z.std().item<double>();
                z = z.clamp(-clip, clip);
            }
            const double progress = steps > 1 ? double(i) / (steps - 1) : 0.0;
            const double scale = sNoise + (sNoiseLast - sNoise) * progress;
            if (scale != 1.0)
                z = z * scale;
            x = z * next + x;
        }
        if (callback)
            callback(i, steps, x, denoised);
    }
    return x;
}

} // namespace tessera::sd

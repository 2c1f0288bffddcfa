#include "diffusion/samplers/heun.h"

namespace tessera::sd {

at::Tensor sampleHeun(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas, const StepCallback& callback)
{
    const int steps = int(sigmas.size(0)) - 1;
    for (int i = 0; i < steps; ++i) {
        const double sigma = sigmas[i].item<double>(), next = sigmas[i + 1].item<double>();
        const at::Tensor denoised = denoiser(x, sigma);
        const at::Tensor d = (x - denoised) / sigma;
        const double dt = next - sigma;
        if (next == 0.0) {
            x = x + d * dt;
        } else {
            const at::Tensor predicted = x + d * dt;
            const at::Tensor dNext = (predicted - denoiser(predicted, next)) / next;
            x = x + (d + dNext) / 2 * dt;
        }
        if (callback)
            callback(i, steps, x, denoised);
    }
    return x;
}

} // namespace tessera::sd

#include "diffusion/samplers/euler.h"

namespace tessera::sd {

at::Tensor sampleEuler(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas, const StepCallback& callback)
{
    const int steps = int(sigmas.size(0)) - 1;
    for (int i = 0; i < steps; ++i) {
        const double sigma = sigmas[i].item<double>(), next = sigmas[i + 1].item<double>();
        const at::Tensor denoised = denoiser(x, sigma);
        const at::Tensor d = (x - denoised) / sigma; // dx/dsigma
        x = x + d * (next - sigma);
        if (callback)
            callback(i, steps, x, denoised);
    }
    return x;
}

} // namespace tessera::sd

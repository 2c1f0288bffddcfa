#include "diffusion/samplers/dpm_2.h"

#include <cmath>

namespace tessera::sd {

at::Tensor dpm2MidpointStep(const Denoiser& denoiser, const at::Tensor& x, const at::Tensor& d, double sigma,
                            double sigmaNext)
{
    const double sigmaMid = std::exp(0.5 * (std::log(sigma) + std::log(sigmaNext)));
    const at::Tensor xMid = x + d * (sigmaMid - sigma);
    const at::Tensor dMid = (xMid - denoiser(xMid, sigmaMid)) / sigmaMid;
    return x + dMid * (sigmaNext - sigma);
}

at::Tensor sampleDpm2(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas, const StepCallback& callback)
{
    const int steps = int(sigmas.size(0)) - 1;
    for (int i = 0; i < steps; ++i) {
        const double sigma = sigmas[i].item<double>(), next = sigmas[i + 1].item<double>();
        const at::Tensor denoised = denoiser(x, sigma);
        const at::Tensor d = (x - denoised) / sigma;
        x = next == 0.0 ? x + d * (next - sigma) : dpm2MidpointStep(denoiser, x, d, sigma, next);
        if (callback)
            callback(i, steps, x, denoised);
    }
    return x;
}

} // namespace tessera::sd

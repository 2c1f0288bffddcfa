#include "diffusion/samplers/dpmpp_2m.h"

#include <cmath>

namespace tessera::sd {

at::Tensor sampleDpmpp2m(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas, const StepCallback& callback)
{
    const int steps = int(sigmas.size(0)) - 1;
    at::Tensor previousDenoised; // D_{i-1}; empty on the first step of every call
    double previousH = 0.0;
    for (int i = 0; i < steps; ++i) {
        const double sigma = sigmas[i].item<double>(), next = sigmas[i + 1].item<double>();
        const at::Tensor denoised = denoiser(x, sigma);
        if (next == 0.0) {
            x = denoised;
        } else {
            const double h = std::log(sigma / next); // t_{i+1} - t_i with t = -log sigma
            at::Tensor target = denoised;
            if (previousDenoised.defined()) {
                const double r = previousH / h;
                target = denoised * (1.0 + 1.0 / (2.0 * r)) - previousDenoised * (1.0 / (2.0 * r));
            }
            x = x * (next / sigma) - target * std::expm1(-h);
            previousH = h;
        }
        previousDenoised = denoised;
        if (callback)
            callback(i, steps, x, denoised);
    }
    return x;
}

} // namespace tessera::sd

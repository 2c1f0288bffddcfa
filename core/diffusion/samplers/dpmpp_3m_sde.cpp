#include "diffusion/samplers/dpmpp_3m_sde.h"

#include <cmath>

namespace tessera::sd {

at::Tensor sampleDpmpp3mSde(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas, const NoiseSampler& noise,
                            const StepCallback& callback, double eta, double sNoise)
{
    const int steps = int(sigmas.size(0)) - 1;
    // The last two steps' denoised x0 and h; empty (0) until there are such steps in this call.
    at::Tensor denoised1, denoised2;
    double h1 = 0.0, h2 = 0.0;
    for (int i = 0; i < steps; ++i) {
        const double sigma = sigmas[i].item<double>(), next = sigmas[i + 1].item<double>();
        const at::Tensor denoised = denoiser(x, sigma);
        double h = 0.0; // stays 0 on the step to sigma = 0, which is the last
        if (next == 0.0) {
            x = denoised;
        } else {
            h = std::log(sigma / next); // t_{i+1} - t_i with t = -log sigma
            const double hEta = h * (eta + 1.0);
            x = x * (next / sigma * std::exp(-h * eta)) + denoised * -std::expm1(-hEta);
            const double phi2 = std::expm1(-hEta) / hEta + 1.0;
            if (denoised2.defined()) {
                const double r0 = h1 / h, r1 = h2 / h;
                const at::Tensor d10 = (denoised - denoised1) / r0;
                const at::Tensor d11 = (denoised1 - denoised2) / r1;
                const at::Tensor d1 = d10 + (d10 - d11) * (r0 / (r0 + r1));
                const at::Tensor d2 = (d10 - d11) / (r0 + r1);
                const double phi3 = phi2 / hEta - 0.5;
                x = x + d1 * phi2 - d2 * phi3;
            } else if (denoised1.defined()) {
                const double r = h1 / h;
                x = x + (denoised - denoised1) / r * phi2;
            }
            if (eta > 0.0 && sNoise > 0.0)
                x = x + noise(sigma, next) * (next * std::sqrt(-std::expm1(-2.0 * h * eta)) * sNoise);
        }
        denoised2 = denoised1;
        denoised1 = denoised;
        h2 = h1;
        h1 = h;
        if (callback)
            callback(i, steps, x, denoised);
    }
    return x;
}

} // namespace tessera::sd

#include "diffusion/samplers/dpmpp_2m_sde.h"

#include <cmath>

namespace tessera::sd {

at::Tensor sampleDpmpp2mSde(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas, const NoiseSampler& noise,
                            const StepCallback& callback, double eta, double sNoise, Dpmpp2mSdeSolver solver)
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
            const double hEta = h * (eta + 1.0);
            const double oneMinusDecay = -std::expm1(-hEta); // 1 - e^{-h_eta}
            x = x * (next / sigma * std::exp(-h * eta)) + denoised * oneMinusDecay;
            if (previousDenoised.defined()) {
                const double r = previousH / h;
                const double weight = solver == Dpmpp2mSdeSolver::Midpoint ? 0.5 * oneMinusDecay
                                                                           : oneMinusDecay / -hEta + 1.0;
                x = x + (denoised - previousDenoised) * (weight / r);
            }
            if (eta > 0.0 && sNoise > 0.0)
                x = x + noise(sigma, next) * (next * std::sqrt(-std::expm1(-2.0 * h * eta)) * sNoise);
            previousH = h;
        }
        previousDenoised = denoised;
        if (callback)
            callback(i, steps, x, denoised);
    }
    return x;
}

} // namespace tessera::sd

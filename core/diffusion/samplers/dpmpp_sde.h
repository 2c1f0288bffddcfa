#pragma once
/// DPM-Solver++ (stochastic), a second-order single-step solver of the reverse
/// SDE (k-diffusion / ComfyUI "dpmpp_sde", eps models). In t = -log sigma,
/// h = t_{i+1} - t_i, D_i = D(x_i, sigma_i), each step takes an ancestral
/// sub-step to the intermediate s = t_i + r h and one to t_{i+1}:
///   (sd, su) = ancestral step from sigma_i to sigma(s), h' = -log sd - t_i,
///   x_2 = e^{-h'} x - expm1(-h') D_i + su s_noise z_1,     z_1 = noise(sigma_i, sigma(s)),
///   D' = (1 - 1/(2r)) D_i + 1/(2r) D(x_2, sigma(s)),
///   (sd, su) = ancestral step from sigma_i to sigma_{i+1}, h' = -log sd - t_i,
///   x <- e^{-h'} x - expm1(-h') D' + su s_noise z_2,       z_2 = noise(sigma_i, sigma_{i+1}),
/// where the ancestral step from a to b is su = min(b, eta sqrt(b^2 (a^2 - b^2) / a^2)),
/// sd = sqrt(b^2 - su^2). The step to sigma = 0 is x <- D_i. Two denoiser calls
/// per step (one on the step to 0).

#include "diffusion/samplers/sampler.h"

namespace tessera::sd {

/// x: [B, 4, h, w] already noised to sigmas[0]; sigmas: [n + 1] descending -> x at sigmas[n].
/// `noise` is drawn twice per step that does not end at sigma = 0 (when eta and sNoise are > 0).
at::Tensor sampleDpmppSde(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas, const NoiseSampler& noise,
                          const StepCallback& callback = {}, double eta = 1.0, double sNoise = 1.0, double r = 0.5);

} // namespace tessera::sd

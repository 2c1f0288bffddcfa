#pragma once
/// Ancestral sampling with Euler steps (k-diffusion / ComfyUI "euler_ancestral").
/// Each step goes down the ODE to sigma_down and adds fresh noise of size
/// sigma_up so that the marginal noise level is sigma_{i+1} again:
///   sigma_up   = min(sigma_{i+1}, eta sqrt(sigma_{i+1}^2 (sigma_i^2 - sigma_{i+1}^2) / sigma_i^2)),
///   sigma_down = sqrt(sigma_{i+1}^2 - sigma_up^2),
///   x <- x + (x - D(x, sigma_i)) / sigma_i (sigma_down - sigma_i) + s_noise sigma_up z.
/// A step whose sigma_down is 0 returns D(x, sigma_i) and adds no noise.

#include "diffusion/samplers/ancestral_step.h"
#include "diffusion/samplers/sampler.h"

namespace tessera::sd {

/// x: [B, 4, h, w] already noised to sigmas[0]; sigmas: [n + 1] descending -> x at sigmas[n].
at::Tensor sampleEulerAncestral(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                                const NoiseSampler& noise, const StepCallback& callback = {}, double eta = 1.0,
                                double sNoise = 1.0);

} // namespace tessera::sd

#pragma once
/// Ancestral sampling with dpm_2 steps (k-diffusion / ComfyUI "dpm_2_ancestral"):
/// the log-midpoint step of dpm_2.h down to sigma_down, then fresh noise of
/// size sigma_up (the split of ancestral_step.h's ancestralStep):
///   x <- dpm2(x, sigma_i -> sigma_down) + s_noise sigma_up z.
/// A step whose sigma_down is 0 is an Euler step to 0 and adds no noise.

#include "diffusion/samplers/sampler.h"

namespace tessera::sd {

/// x: [B, 4, h, w] already noised to sigmas[0]; sigmas: [n + 1] descending -> x at sigmas[n].
at::Tensor sampleDpm2Ancestral(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                               const NoiseSampler& noise, const StepCallback& callback = {}, double eta = 1.0,
                               double sNoise = 1.0);

} // namespace tessera::sd

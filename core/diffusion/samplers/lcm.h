#pragma once
/// The latent consistency model sampler (k-diffusion / ComfyUI "lcm"): each
/// step jumps to the denoised x0 and noises it afresh to the next level,
///   x <- D(x, sigma_i) + sigma_{i+1} s_i z   (the eps model's noise scaling),
/// no noise after the last step. s_i runs linearly from s_noise (first step)
/// to s_noise_end (last step; s_noise when not given), and with
/// noise_clip_std > 0 the noise is clamped to +-noise_clip_std std(z) first.

#include "diffusion/samplers/sampler.h"

#include <optional>

namespace tessera::sd {

/// x: [B, 4, h, w] already noised to sigmas[0]; sigmas: [n + 1] descending -> x at sigmas[n].
at::Tensor sampleLcm(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas, const NoiseSampler& noise,
                     const StepCallback& callback = {}, double sNoise = 1.0,
                     std::optional<double> sNoiseEnd = std::nullopt, double noiseClipStd = 0.0);

} // namespace tessera::sd

#pragma once
/// Ancestral sampling with DPM-Solver++(2S) steps (Lu et al. 2022; k-diffusion /
/// ComfyUI "dpmpp_2s_ancestral"). In t = -log sigma, with the step to
/// sigma_down of ancestral_step.h's ancestralStep, h = t_down - t_i and the
/// midpoint s = t_i + h / 2 (sigma_s = exp(-s)):
///   x_s = (sigma_s / sigma_i) x - expm1(-h / 2) D(x, sigma_i),
///   x  <- (sigma_down / sigma_i) x - expm1(-h) D(x_s, sigma_s),
/// then x <- x + s_noise sigma_up z when sigma_{i+1} > 0. A step whose
/// sigma_down is 0 is an Euler step instead.

#include "diffusion/samplers/sampler.h"

namespace tessera::sd {

/// x: [B, 4, h, w] already noised to sigmas[0]; sigmas: [n + 1] descending -> x at sigmas[n].
at::Tensor sampleDpmpp2sAncestral(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                                  const NoiseSampler& noise, const StepCallback& callback = {}, double eta = 1.0,
                                  double sNoise = 1.0);

} // namespace tessera::sd

#pragma once
/// The second-order sampler inspired by DPM-Solver-2 (k-diffusion / ComfyUI
/// "dpm_2"): the midpoint method on the probability-flow ODE with the midpoint
/// taken in log sigma,
///   sigma_mid = exp((log sigma_i + log sigma_{i+1}) / 2),
///   d = (x - D(x, sigma_i)) / sigma_i,   x_mid = x + d (sigma_mid - sigma_i),
///   x <- x + (x_mid - D(x_mid, sigma_mid)) / sigma_mid (sigma_{i+1} - sigma_i).
/// A step to sigma 0 is an Euler step (log 0 has no midpoint).

#include "diffusion/samplers/sampler.h"

namespace tessera::sd {

/// The ODE part of a dpm_2 step from x at sigma (with its derivative d) to
/// sigmaNext > 0; one denoiser call at the log-midpoint. dpm_2_ancestral shares it.
at::Tensor dpm2MidpointStep(const Denoiser& denoiser, const at::Tensor& x, const at::Tensor& d, double sigma,
                            double sigmaNext);

/// x: [B, 4, h, w] already noised to sigmas[0]; sigmas: [n + 1] descending -> x at sigmas[n].
at::Tensor sampleDpm2(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                      const StepCallback& callback = {});

} // namespace tessera::sd

#pragma once
/// Heun's method on the probability-flow ODE (Karras et al. 2022, alg. 1
/// without churn; k-diffusion / ComfyUI "heun"), two denoiser calls a step:
///   d  = (x - D(x, sigma_i)) / sigma_i,          x' = x + d (sigma_{i+1} - sigma_i),
///   d' = (x' - D(x', sigma_{i+1})) / sigma_{i+1}, x <- x + (d + d') / 2 (sigma_{i+1} - sigma_i).
/// A step to sigma 0 is the Euler step alone (d' would divide by 0).

#include "diffusion/samplers/sampler.h"

namespace tessera::sd {

/// x: [B, 4, h, w] already noised to sigmas[0]; sigmas: [n + 1] descending -> x at sigmas[n].
at::Tensor sampleHeun(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                      const StepCallback& callback = {});

} // namespace tessera::sd

#pragma once
/// Euler's method on the probability-flow ODE (Karras et al. 2022, alg. 1
/// without churn; k-diffusion / ComfyUI "euler"):
///   d = (x - D(x, sigma_i)) / sigma_i,   x <- x + d (sigma_{i+1} - sigma_i).

#include "diffusion/samplers/sampler.h"

namespace tessera::sd {

/// x: [B, 4, h, w] already noised to sigmas[0]; sigmas: [n + 1] descending -> x at sigmas[n].
at::Tensor sampleEuler(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                       const StepCallback& callback = {});

} // namespace tessera::sd

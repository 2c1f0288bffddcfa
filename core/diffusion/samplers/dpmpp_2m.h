#pragma once
/// DPM-Solver++(2M) (Lu et al. 2022, alg. 2; k-diffusion / ComfyUI
/// "dpmpp_2m"), a second-order multistep solver of the probability-flow ODE in
/// t = -log sigma, h = t_{i+1} - t_i, D_i = D(x_i, sigma_i):
///   first step and the step to sigma = 0:  x <- (sigma_{i+1} / sigma_i) x - expm1(-h) D_i
///   otherwise, with r = h_{i-1} / h:
///     D' = (1 + 1 / (2r)) D_i - (1 / (2r)) D_{i-1},
///     x <- (sigma_{i+1} / sigma_i) x - expm1(-h) D'.
/// The step to sigma = 0 is the formula's limit x <- D_i.

#include "diffusion/samplers/sampler.h"

namespace tessera::sd {

/// x: [B, 4, h, w] already noised to sigmas[0]; sigmas: [n + 1] descending -> x at sigmas[n].
at::Tensor sampleDpmpp2m(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                         const StepCallback& callback = {});

} // namespace tessera::sd

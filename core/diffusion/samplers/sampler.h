#pragma once
/// What every sampler shares (k-diffusion form, as ComfyUI runs them): a
/// sampler is a free function
///   x = sampleXxx(denoiser, x, sigmas, [noise,] callback)
/// that takes latents already noised to sigmas[0] ([B, 4, h, w]) down the
/// descending sigmas ([n + 1], last usually 0) and returns x at sigmas[n].
/// Each call starts with an empty history (multistep samplers restart), as
/// each ComfyUI KSampler call does.

#include "diffusion/sampling/denoiser.h"

#include <ATen/ATen.h>

#include <functional>

namespace tessera::sd {

/// Called after each step with the step index, the step count, the new x and
/// the denoised x0; may throw (Error(Cancelled)) to stop.
using StepCallback = std::function<void(int step, int steps, const at::Tensor& x, const at::Tensor& denoised)>;

/// The noise an ancestral or SDE step adds on its way from `sigma` to
/// `sigmaNext`: unit-variance, the latent's shape [B, 4, h, w], on the latent's
/// device and dtype. Seeded generators and Brownian trees both fit.
using NoiseSampler = std::function<at::Tensor(double sigma, double sigmaNext)>;

} // namespace tessera::sd

#pragma once
/// The denoiser the samplers call: latents x at noise level sigma -> the
/// predicted clean latents x0. It wraps the UNet (an eps-prediction model),
/// the schedule and classifier-free guidance, and knows nothing of samplers.
///
/// ComfyUI's semantics (comfy/model_sampling.py EPS, comfy/samplers.py):
///   c_in = 1 / sqrt(sigma^2 + 1), t = the nearest discrete timestep,
///   eps = unet(x * c_in, t, ...), x0 = x - sigma * eps,
///   guided x0 = uncond + cfg * (cond - uncond) (cond and uncond in one batch).

#include "diffusion/sampling/discrete_schedule.h"

#include <ATen/ATen.h>

#include <functional>

namespace tessera::sd {

class UNetModel;

/// x: [B, 4, h, w] at noise level sigma -> x0: [B, 4, h, w].
using Denoiser = std::function<at::Tensor(const at::Tensor& x, double sigma)>;

/// What one side of the guidance conditions the UNet on.
struct UNetConditioning {
    at::Tensor context; ///< [1, N, contextDim]
    at::Tensor y;       ///< [1, adm] for SDXL; undefined for SD 1.x
};

/// A denoiser over `unet` with classifier-free guidance scale `cfg` (1: the
/// positive prompt alone, no second pass). Contexts of different lengths
/// (prompts of different window counts) are repeated to their least common
/// length, as ComfyUI does. The unet, schedule and conditionings must outlive it.
Denoiser guidedEpsDenoiser(const UNetModel& unet, const DiscreteSchedule& schedule, const UNetConditioning& positive,
                           const UNetConditioning& negative, double cfg);

/// ComfyUI's initial latent for sampling from sigmas[0]: noise * sqrt(1 +
/// sigma^2) when starting from the schedule's maximum (full denoise, its
/// max_denoise), else noise * sigma, plus `latent` (zeros for txt2img).
at::Tensor noisedLatent(const at::Tensor& latent, const at::Tensor& noise, double sigma, const DiscreteSchedule& schedule);

} // namespace tessera::sd

#pragma once
/// The noise of sampling, drawn as ComfyUI draws it so that one seed gives
/// one image in both tools.

#include "diffusion/samplers/sampler.h"

#include <ATen/ATen.h>

#include <cstdint>

namespace tessera::sd {

/// The initial noise for a latent of `shape` ([B, 4, h, w]): randn from a CPU
/// generator seeded with `seed`, fp32 (ComfyUI's prepare_noise), then moved
/// to `options`' device and dtype.
at::Tensor initialNoise(at::IntArrayRef shape, uint64_t seed, const at::TensorOptions& options = at::kFloat);

/// The noise ancestral samplers add per step: randn of `like`'s shape, dtype
/// and device from one generator on that device (ComfyUI's
/// default_noise_sampler); the step's sigmas do not matter. The generator is
/// seeded with `seed`, or seed + 1 on the CPU, as ComfyUI does, so that the
/// steps' noise does not repeat the initial noise drawn with `seed` there.
NoiseSampler seededNoiseSampler(const at::Tensor& like, uint64_t seed);

} // namespace tessera::sd

#pragma once
/// The samplers by the names ComfyUI's KSampler gives them, and what each
/// needs around it: which noise it draws (none, a seeded generator, a
/// Brownian tree on the CPU or on the latent's device) and whether ComfyUI
/// computes one extra sigma for it and drops the second to last.

#include "diffusion/samplers/sampler.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::sd {

/// Every sampler name Tessera runs, in ComfyUI's order (the `_gpu` variants included).
const std::vector<std::string>& samplerNames();

/// True for a name in samplerNames().
bool isSamplerName(const std::string& name);

/// Throws Error(InvalidArgument) naming the known samplers unless isSamplerName(name).
void checkSamplerName(const std::string& name);

/// dpm_2, dpm_2_ancestral and uni_pc: ComfyUI's KSampler computes steps + 1
/// sigmas for them and drops the second to last one.
bool discardsPenultimateSigma(const std::string& sampler);

/// Runs sampler `name` over `sigmas` from x (already noised to sigmas[0]),
/// with the noise ComfyUI gives it for `seed`: ancestral samplers (and lcm)
/// a generator on x's device seeded with `seed`; SDE samplers a Brownian tree
/// over [smallest nonzero sigma, largest sigma] seeded with `seed`, on the
/// CPU, or on x's device for the `_gpu` names. A fresh noise source and
/// history on every call, as each ComfyUI KSampler call has. Throws
/// Error(InvalidArgument) naming the known samplers for an unknown name.
at::Tensor runSampler(const std::string& name, const Denoiser& denoiser, const at::Tensor& x, const at::Tensor& sigmas,
                      uint64_t seed, const StepCallback& callback = {});

} // namespace tessera::sd

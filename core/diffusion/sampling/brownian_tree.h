#pragma once
/// The Brownian-tree noise of ComfyUI's SDE samplers (dpmpp_sde,
/// dpmpp_2m_sde, dpmpp_3m_sde and their _gpu variants), reproducing
/// torchsde's numbers so that one seed gives one image in both tools.
///
/// ComfyUI (comfy/k_diffusion/sampling.py BrownianTreeNoiseSampler,
/// BatchedBrownianTree) builds torchsde.BrownianTree(sigma_min, zeros_like(x),
/// sigma_max, entropy=seed) and returns, for a step sigma -> sigmaNext,
///   W(sigma, sigmaNext) / sqrt(|sigmaNext - sigma|),
/// where W(a, b) = -W(b, a) is the Brownian increment. The noise of disjoint
/// steps is independent and the noise of a step does not depend on the step
/// sizes before it: refining a schedule refines the same Brownian path.

#include "diffusion/samplers/sampler.h"

#include <ATen/ATen.h>

#include <cstdint>

namespace tessera::sd {

/// ComfyUI's BrownianTreeNoiseSampler(like, sigmaMin, sigmaMax, seed,
/// cpu=treeOnCpu) with its identity sigma transform. The tree lives on the CPU
/// (treeOnCpu: dpmpp_sde, dpmpp_2m_sde, dpmpp_3m_sde) or on `like`'s device
/// (the _gpu samplers) and draws in `like`'s dtype; sigmas are taken as fp32,
/// as ComfyUI holds them. The noise is computed in fp32 on `like`'s device (as
/// ComfyUI does) and returned in `like`'s shape and dtype. Queries outside
/// [sigmaMin, sigmaMax] are clamped to it (torchsde); sigma == sigmaNext gives
/// 0 / 0 = NaN, as in ComfyUI. Throws Error(InvalidArgument) for a non-finite
/// range, and the sampler does for a query whose ends round to the same point
/// of the tree's 1e-6 grid (where torchsde recurses without end).
NoiseSampler brownianTreeNoiseSampler(const at::Tensor& like, double sigmaMin, double sigmaMax, uint64_t seed,
                                      bool treeOnCpu);

} // namespace tessera::sd

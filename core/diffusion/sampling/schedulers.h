#pragma once
/// Sigma sequences for n sampling steps, each ending with 0 (n + 1 values,
/// descending), as ComfyUI's schedulers compute them (comfy/k_diffusion/
/// sampling.py, comfy/samplers.py).

#include <ATen/ATen.h>

namespace tessera::sd {

/// Karras et al. (2022): sigma_i = (max^(1/rho) + i/(n-1) (min^(1/rho) - max^(1/rho)))^rho,
/// i = 0..n-1, then 0. [n + 1] fp32.
at::Tensor karrasSigmas(int steps, double sigmaMin, double sigmaMax, double rho = 7.0);

} // namespace tessera::sd

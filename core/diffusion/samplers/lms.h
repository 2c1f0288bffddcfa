#pragma once
/// The linear multistep method (k-diffusion / ComfyUI "lms"): an Adams-Bashforth
/// method on the probability-flow ODE over the uneven sigma grid. It keeps the
/// last `order` derivatives d_{i-j} = (x - D(x, sigma_{i-j})) / sigma_{i-j} and steps
///   x <- x + sum_j c_j d_{i-j},   c_j = integral over [sigma_i, sigma_{i+1}] of l_j(s) ds,
/// l_j the Lagrange basis polynomial through sigma_i, ..., sigma_{i-order+1} that
/// is 1 at sigma_{i-j}. The first steps use the history they have (order
/// min(i + 1, order)); a step to sigma 0 returns D(x, sigma_i).
///
/// ComfyUI integrates l_j numerically (scipy quad, epsrel 1e-4); l_j is a
/// polynomial of degree order - 1, so here it is expanded and integrated
/// exactly. (quad's 21-point Gauss-Kronrod rule is exact for it too, so both
/// agree to rounding.)

#include "diffusion/samplers/sampler.h"

#include <vector>

namespace tessera::sd {

/// The weights c_0..c_{order-1} of step i (c_0 for the newest derivative, at
/// sigmas[i]); needs order - 1 <= i and i + 1 < sigmas.size().
std::vector<double> lmsCoefficients(const std::vector<double>& sigmas, int i, int order);

/// x: [B, 4, h, w] already noised to sigmas[0]; sigmas: [n + 1] descending -> x at sigmas[n].
at::Tensor sampleLms(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                     const StepCallback& callback = {}, int order = 4);

} // namespace tessera::sd

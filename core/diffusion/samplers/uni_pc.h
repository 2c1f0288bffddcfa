#pragma once
/// UniPC (Zhao et al. 2023; ComfyUI "uni_pc": the multistep UniP predictor and
/// UniC corrector, data prediction, B(h) = h variant "bh1", orders up to 3,
/// lower orders on the first and last two steps), run as ComfyUI's
/// sample_unipc runs it on an eps model: x is moved to the VP scale
/// x_vp = alpha x with alpha = 1 / sqrt(1 + sigma^2), std = sigma alpha, and in
/// t = lambda = log(alpha / std) = -log sigma, with h = t_next - t_i, the
/// denoised D_k = D(x_k, sigma_k) of the last `order` points s_k (k = 0 the
/// newest, r_k = (t_{s_k} - t_i) / h, D1_k = (D_k - D_0) / r_k):
///   x' = (std_next / std_i) x_vp - alpha_next expm1(-h) D_0            (DPM-Solver++ step)
///   predictor: x~ = x' + alpha_next h sum_k rho^p_k D1_k
///   corrector: x_vp <- x' + alpha_next h (sum_k rho^c_k D1_k + rho^c_p (D(x~) - D_0)),
/// rho the solution of R rho = b, R_jk = r_k^j, b_j = g_{j+1} (j+1)! / (-h) with
/// g_1 = expm1(-h) / (-h) - 1, g_{j+1} = g_j / (-h) - 1/(j+1)! (rho^p = 1/2 at order 2,
/// rho^c = 1/2 at order 1). The corrector's D(x~) is the next step's D_0; the
/// last step has no corrector, so n steps call the denoiser n times. A final
/// sigma of 0 is replaced by 0.001 and x divided by that alpha at the end.
/// ComfyUI's order, min(3, n - 1), leaves a one-step run where it was: it
/// returns x alpha_0 / alpha_1 (one denoiser call, unused), and so does this.

#include "diffusion/samplers/sampler.h"

namespace tessera::sd {

/// x: [B, 4, h, w] already noised to sigmas[0]; sigmas: [n + 1] descending -> x at sigmas[n]
/// (at 0.001 when sigmas[n] is 0, as in ComfyUI). The callback's x is in the k-diffusion scale.
at::Tensor sampleUniPc(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                       const StepCallback& callback = {});

} // namespace tessera::sd

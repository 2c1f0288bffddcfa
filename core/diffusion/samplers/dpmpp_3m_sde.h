#pragma once
/// DPM-Solver++(3M) SDE (k-diffusion / ComfyUI "dpmpp_3m_sde", eps models):
/// the third-order multistep solver of the reverse SDE in t = -log sigma,
/// h = t_{i+1} - t_i, D_i = D(x_i, sigma_i), h_eta = h (eta + 1),
/// phi_2 = (e^{-h_eta} - 1) / h_eta + 1, phi_3 = phi_2 / h_eta - 1/2:
///   x <- (sigma_{i+1} / sigma_i) e^{-eta h} x + (1 - e^{-h_eta}) D_i + correction
///        + sigma_{i+1} sqrt(1 - e^{-2 eta h}) s_noise z,   z = noise(sigma_i, sigma_{i+1}),
/// where the correction is none on the first step, phi_2 (D_i - D_{i-1}) / r0
/// on the second (r0 = h_{i-1} / h), and from the third on (r1 = h_{i-2} / h)
///   d1_0 = (D_i - D_{i-1}) / r0,  d1_1 = (D_{i-1} - D_{i-2}) / r1,
///   d1 = d1_0 + (d1_0 - d1_1) r0 / (r0 + r1),  d2 = (d1_0 - d1_1) / (r0 + r1),
///   correction = phi_2 d1 - phi_3 d2.
/// The step to sigma = 0 is x <- D_i.

#include "diffusion/samplers/sampler.h"

namespace tessera::sd {

/// x: [B, 4, h, w] already noised to sigmas[0]; sigmas: [n + 1] descending -> x at sigmas[n].
/// `noise` is drawn once per step that does not end at sigma = 0.
at::Tensor sampleDpmpp3mSde(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas, const NoiseSampler& noise,
                            const StepCallback& callback = {}, double eta = 1.0, double sNoise = 1.0);

} // namespace tessera::sd

#pragma once
/// DPM-Solver++(2M) SDE (k-diffusion / ComfyUI "dpmpp_2m_sde", eps models):
/// the second-order multistep solver of the reverse SDE in t = -log sigma,
/// h = t_{i+1} - t_i, D_i = D(x_i, sigma_i), h_eta = h (eta + 1):
///   x <- (sigma_{i+1} / sigma_i) e^{-eta h} x + (1 - e^{-h_eta}) D_i
///        + [from the second step, r = h_{i-1} / h]
///          midpoint: (1/2) (1 - e^{-h_eta}) (D_i - D_{i-1}) / r
///          heun:     ((1 - e^{-h_eta}) / (-h_eta) + 1) (D_i - D_{i-1}) / r
///        + sigma_{i+1} sqrt(1 - e^{-2 eta h}) s_noise z,   z = noise(sigma_i, sigma_{i+1});
/// the step to sigma = 0 is x <- D_i. eta = 0 is DPM-Solver++(2M) on the ODE
/// (with this second-order correction).

#include "diffusion/samplers/sampler.h"

namespace tessera::sd {

/// How the second-order term is formed (ComfyUI's solver_type).
enum class Dpmpp2mSdeSolver { Midpoint, Heun };

/// x: [B, 4, h, w] already noised to sigmas[0]; sigmas: [n + 1] descending -> x at sigmas[n].
/// `noise` is drawn once per step that does not end at sigma = 0.
at::Tensor sampleDpmpp2mSde(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas, const NoiseSampler& noise,
                            const StepCallback& callback = {}, double eta = 1.0, double sNoise = 1.0,
                            Dpmpp2mSdeSolver solver = Dpmpp2mSdeSolver::Midpoint);

} // namespace tessera::sd

#pragma once
/// The discrete noise schedule SD 1.x and SDXL were trained with, as ComfyUI
/// holds it (comfy/model_sampling.py ModelSamplingDiscrete):
///   betas = linspace(sqrt(0.00085), sqrt(0.012), 1000)^2    (float64)
///   alphas_cumprod = cumprod(1 - betas)                     (float64)
///   sigma_t = sqrt((1 - alphas_cumprod_t) / alphas_cumprod_t), stored fp32
/// Samplers work in sigmas; the UNet takes the timestep t in [0, 999].

#include <ATen/ATen.h>

namespace tessera::sd {

class DiscreteSchedule {
public:
    /// SD 1.x / SDXL's "scaled linear" schedule over 1000 timesteps.
    static DiscreteSchedule stableDiffusion();

    /// [1000] fp32, ascending (sigma of t = 0 first).
    const at::Tensor& sigmas() const { return m_sigmas; }
    double sigmaMin() const;
    double sigmaMax() const;
    /// The discrete timestep nearest to `sigma` in log sigma (ComfyUI's
    /// ModelSamplingDiscrete.timestep: an integer, not k-diffusion's interpolation).
    double timestep(double sigma) const;
    /// The sigma of a (fractional) timestep, interpolated in log sigma.
    double sigma(double timestep) const;

private:
    explicit DiscreteSchedule(at::Tensor sigmas);
    at::Tensor m_sigmas;    // [1000] fp32
    at::Tensor m_logSigmas; // [1000] fp32
};

} // namespace tessera::sd

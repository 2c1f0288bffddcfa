#include "diffusion/sampling/discrete_schedule.h"

#include <algorithm>
#include <cmath>

namespace tessera::sd {

DiscreteSchedule DiscreteSchedule::stableDiffusion()
{
    const at::Tensor betas = at::linspace(std::sqrt(0.00085), std::sqrt(0.012), 1000, at::kDouble).pow(2);
    const at::Tensor alphasCumprod = at::cumprod(1.0 - betas, 0);
    return DiscreteSchedule(((1.0 - alphasCumprod) / alphasCumprod).sqrt().to(at::kFloat));
}

DiscreteSchedule::DiscreteSchedule(at::Tensor sigmas) : m_sigmas(std::move(sigmas)), m_logSigmas(m_sigmas.log())
{
}

double DiscreteSchedule::sigmaMin() const
{
    return m_sigmas[0].item<double>();
}

double DiscreteSchedule::sigmaMax() const
{
    return m_sigmas[-1].item<double>();
}

double DiscreteSchedule::timestep(double sigma) const
{
    // In fp32 like ComfyUI, so ties and near-ties resolve the same way.
    const at::Tensor logSigma = at::scalar_tensor(sigma, at::kFloat).log();
    return double((logSigma - m_logSigmas).abs().argmin().item<int64_t>());
}

double DiscreteSchedule::sigma(double timestep) const
{
    const double t = std::clamp(timestep, 0.0, double(m_sigmas.size(0) - 1));
    const int64_t low = int64_t(std::floor(t)), high = int64_t(std::ceil(t));
    const double w = t - std::floor(t);
    return std::exp((1 - w) * m_logSigmas[low].item<double>() + w * m_logSigmas[high].item<double>());
}

} // namespace tessera::sd

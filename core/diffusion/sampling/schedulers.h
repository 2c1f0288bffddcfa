#pragma once
/// Sigma sequences for n sampling steps, descending and ending with 0, as
/// ComfyUI's schedulers compute them (comfy/k_diffusion/sampling.py
/// get_sigmas_*, comfy/samplers.py *_scheduler and calculate_sigmas), in the
/// same precision: fp32 where ComfyUI uses torch, float64 where it uses Python
/// floats or numpy. All return fp32 on the CPU; n + 1 values unless noted.

#include "diffusion/sampling/discrete_schedule.h"

#include <ATen/ATen.h>

#include <string>
#include <vector>

namespace tessera::sd {

/// Karras et al. (2022): sigma_i = (max^(1/rho) + i/(n-1) (min^(1/rho) - max^(1/rho)))^rho,
/// i = 0..n-1, then 0. [n + 1] fp32.
at::Tensor karrasSigmas(int steps, double sigmaMin, double sigmaMax, double rho = 7.0);

/// Evenly spaced in log sigma: sigma_i = exp(log max + i/(n-1) (log min - log max)), then 0.
at::Tensor exponentialSigmas(int steps, double sigmaMin, double sigmaMax);

/// ComfyUI "normal": n timesteps evenly spaced from timestep(sigma max) to
/// timestep(sigma min), each mapped to its log-interpolated sigma, then 0.
at::Tensor normalSigmas(const DiscreteSchedule& schedule, int steps);

/// ComfyUI "sgm_uniform": n + 1 evenly spaced timesteps from timestep(sigma max)
/// to timestep(sigma min) without the last, mapped like normalSigmas, then 0.
at::Tensor sgmUniformSigmas(const DiscreteSchedule& schedule, int steps);

/// ComfyUI "simple": every (1000 / n)-th trained sigma from the top,
/// sigma_i = sigmas[999 - floor(i 1000 / n)], then 0.
at::Tensor simpleSigmas(const DiscreteSchedule& schedule, int steps);

/// ComfyUI "ddim_uniform": the trained sigmas at timesteps 1, 1 + k, 1 + 2k, ...
/// below 1000 with k = floor(1000 / n), descending, then 0. That is n + 1
/// values only where k divides 999 evenly enough (n = 30 gives 32).
at::Tensor ddimUniformSigmas(const DiscreteSchedule& schedule, int steps);

/// ComfyUI "beta" (Lee et al. 2024, arXiv:2407.12173): the trained sigmas at
/// timesteps rint(999 I^-1_(1 - i/n)(alpha, beta)), i = 0..n-1, where I^-1 is
/// the inverse regularized incomplete beta function (the Beta(alpha, beta)
/// quantile); a timestep equal to the one before it is skipped; then 0.
at::Tensor betaSigmas(const DiscreteSchedule& schedule, int steps, double alpha = 0.6, double beta = 0.6);

/// The scheduler names schedulerSigmas() accepts, in ComfyUI's spelling.
const std::vector<std::string>& schedulerNames();

/// The sigmas of scheduler `name` (one of schedulerNames()) for `steps` steps
/// on `schedule`, as comfy.samplers.calculate_sigmas gives them. Throws
/// Error(InvalidArgument) listing the names for an unknown one.
at::Tensor schedulerSigmas(const std::string& name, const DiscreteSchedule& schedule, int steps);

/// The regularized incomplete beta function I_x(a, b), to about 1e-15
/// (Lentz's continued fraction). x in [0, 1], a, b > 0.
double regularizedIncompleteBeta(double x, double a, double b);

/// Its inverse in x: the p-quantile of Beta(a, b), by bisection to full
/// double precision. p in [0, 1].
double inverseRegularizedIncompleteBeta(double p, double a, double b);

} // namespace tessera::sd

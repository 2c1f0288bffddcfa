#include "diffusion/sampling/schedulers.h"

#include "common/error.h"

#include <cmath>

namespace tessera::sd {

at::Tensor karrasSigmas(int steps, double sigmaMin, double sigmaMax, double rho)
{
    if (steps < 1)
        throw Error(ErrorCode::InvalidArgument, "the Karras schedule needs at least one step, not " + std::to_string(steps));
    // fp32 arithmetic on a fp32 ramp, as ComfyUI's torch code does.
    const at::Tensor ramp = at::linspace(0, 1, steps, at::kFloat);
    const double minInverse = std::pow(sigmaMin, 1.0 / rho), maxInverse = std::pow(sigmaMax, 1.0 / rho);
    const at::Tensor sigmas = (maxInverse + ramp * (minInverse - maxInverse)).pow(rho);
    return at::cat({sigmas, at::zeros({1}, at::kFloat)});
}

} // namespace tessera::sd

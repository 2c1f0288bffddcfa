#include "diffusion/sampling/denoiser.h"

#include "common/int_math.h"
#include "diffusion/unet/unet.h"

#include <cmath>

namespace tessera::sd {
namespace {

/// Contexts of one batch must have one length: repeat each to the least
/// common multiple of their token counts (ComfyUI's cond_cat). [1, N, C] each.
at::Tensor catContexts(const at::Tensor& a, const at::Tensor& b)
{
    const int64_t length = leastCommonMultiple(int(a.size(1)), int(b.size(1)));
    return at::cat({a.repeat({1, length / a.size(1), 1}), b.repeat({1, length / b.size(1), 1})}, 0);
}

} // namespace

Denoiser guidedEpsDenoiser(const UNetModel& unet, const DiscreteSchedule& schedule, const UNetConditioning& positive,
                           const UNetConditioning& negative, double cfg)
{
    const bool guided = cfg != 1.0;
    // Batch layout: [positive x B, negative x B] with B = x.size(0).
    return [&unet, &schedule, positive, negative, cfg, guided](const at::Tensor& x, double sigma) {
        const int64_t batch = x.size(0);
        const at::Tensor scaled = x / std::sqrt(sigma * sigma + 1.0); // c_in
        const at::Tensor input = guided ? at::cat({scaled, scaled}, 0) : scaled;
        const at::Tensor timesteps = at::full({input.size(0)}, schedule.timestep(sigma), x.options());
        at::Tensor context = positive.context.repeat({batch, 1, 1});
        at::Tensor y = positive.y.defined() ? positive.y.repeat({batch, 1}) : at::Tensor();
        if (guided) {
            context = catContexts(context, negative.context.repeat({batch, 1, 1}));
            if (y.defined())
                y = at::cat({y, negative.y.repeat({batch, 1})}, 0);
        }
        const at::Tensor eps = unet.forward(input, timesteps, context, y).to(x.scalar_type());
        const at::Tensor denoised = (guided ? at::cat({x, x}, 0) : x) - sigma * eps; // x0 = x - sigma eps
        if (!guided)
            return denoised;
        const at::Tensor cond = denoised.slice(0, 0, batch), uncond = denoised.slice(0, batch);
        return uncond + (cond - uncond) * cfg;
    };
}

at::Tensor noisedLatent(const at::Tensor& latent, const at::Tensor& noise, double sigma, const DiscreteSchedule& schedule)
{
    const double sigmaMax = schedule.sigmaMax();
    const bool maxDenoise = std::abs(sigma - sigmaMax) <= 1e-5 * std::max(std::abs(sigma), std::abs(sigmaMax))
                            || sigma > sigmaMax;
    return noise * (maxDenoise ? std::sqrt(1.0 + sigma * sigma) : sigma) + latent;
}

} // namespace tessera::sd

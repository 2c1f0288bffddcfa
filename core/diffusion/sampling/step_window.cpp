#include "diffusion/sampling/step_window.h"

#include "common/error.h"
#include "diffusion/sampling/schedulers.h"

#include <algorithm>

namespace tessera::sd {

namespace {

/// KSampler.calculate_sigmas: the scheduler's sigmas, for discard-penultimate
/// samplers computed one step longer with the second-to-last sigma dropped.
at::Tensor samplerSigmas(const std::string& scheduler, const DiscreteSchedule& schedule, int steps,
                         bool discardPenultimateSigma)
{
    if (!discardPenultimateSigma)
        return schedulerSigmas(scheduler, schedule, steps);
    const at::Tensor sigmas = schedulerSigmas(scheduler, schedule, steps + 1);
    const int64_t n = sigmas.size(0);
    return at::cat({sigmas.slice(0, 0, n - 2), sigmas.slice(0, n - 1)});
}

/// KSampler.set_steps: the schedule for `steps`, or with denoise < 1 the tail
/// of a longer one.
at::Tensor denoisedSchedule(const StepWindow& window, const std::string& scheduler, const DiscreteSchedule& schedule,
                            bool discardPenultimateSigma)
{
    // ComfyUI treats denoise above 0.9999 as 1.
    if (window.denoise > 0.9999)
        return samplerSigmas(scheduler, schedule, window.steps, discardPenultimateSigma);
    if (window.denoise <= 0.0)
        return at::empty({0}, at::kFloat);
    const int longerSteps = int(window.steps / window.denoise);
    const at::Tensor sigmas = samplerSigmas(scheduler, schedule, longerSteps, discardPenultimateSigma);
    // sigmas[-(steps + 1):], which is all of it when it is shorter.
    return sigmas.slice(0, std::max<int64_t>(sigmas.size(0) - (window.steps + 1), 0));
}

} // namespace

at::Tensor stepWindowSigmas(const StepWindow& window, const std::string& scheduler, const DiscreteSchedule& schedule,
                            bool discardPenultimateSigma)
{
    if (window.steps < 1)
        throw Error(ErrorCode::InvalidArgument, "a step window needs at least one step, not " + std::to_string(window.steps));
    if (window.startStep < 0 || (window.lastStep && *window.lastStep < 0))
        throw Error(ErrorCode::InvalidArgument, "a step window's start and last steps must not be negative, not "
                                                    + std::to_string(window.startStep) + " and "
                                                    + std::to_string(window.lastStep.value_or(0)));
    at::Tensor sigmas = denoisedSchedule(window, scheduler, schedule, discardPenultimateSigma);

    // KSampler.sample: first the end of the window, then its start.
    if (window.lastStep && *window.lastStep < sigmas.size(0) - 1) {
        sigmas = sigmas.slice(0, 0, *window.lastStep + 1).clone();
        if (window.forceFullDenoise)
            sigmas[-1] = 0.0;
    }
    if (window.startStep >= sigmas.size(0) - 1)
        return at::empty({0}, at::kFloat);
    return sigmas.slice(0, window.startStep).contiguous();
}

} // namespace tessera::sd

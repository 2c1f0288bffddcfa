#pragma once
/// Which part of a schedule a sampling call runs: ComfyUI's KSampler (steps,
/// denoise) and KSamplerAdvanced (start_at_step, end_at_step,
/// return_with_leftover_noise) as one description, and the sigmas it leaves
/// (comfy/samplers.py KSampler.set_steps, KSampler.calculate_sigmas and the
/// cuts in KSampler.sample).

#include "diffusion/sampling/discrete_schedule.h"

#include <ATen/ATen.h>

#include <optional>
#include <string>

namespace tessera::sd {

struct StepWindow {
    /// Steps of the full schedule the window is cut from.
    int steps = 20;
    /// Fraction of the schedule to run (img2img strength): below 1 the
    /// schedule is computed for int(steps / denoise) steps and its last
    /// steps + 1 sigmas are kept; 0 or less runs nothing.
    double denoise = 1.0;
    /// The first step to run; at or past the last step nothing runs.
    int startStep = 0;
    /// The step to stop at (sigmas up to index lastStep); none: the end.
    std::optional<int> lastStep;
    /// With lastStep cutting the schedule short: make the last sigma 0, so the
    /// result is fully denoised instead of keeping the leftover noise.
    bool forceFullDenoise = false;
};

/// The sigmas a sampler runs for `window` over scheduler `scheduler` (a
/// schedulerNames() entry) on `schedule`, [n + 1] fp32 descending; an empty
/// tensor means ComfyUI returns the input latent unchanged. With
/// `discardPenultimateSigma` (ComfyUI's dpm_2, dpm_2_ancestral, uni_pc) the
/// schedule is computed for one step more and its second-to-last sigma
/// dropped. Throws Error(InvalidArgument) for steps < 1, a negative step or an
/// unknown scheduler.
at::Tensor stepWindowSigmas(const StepWindow& window, const std::string& scheduler, const DiscreteSchedule& schedule,
                            bool discardPenultimateSigma);

} // namespace tessera::sd

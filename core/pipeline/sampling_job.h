#pragma once
/// The sampling job: the one place where prompt -> conditioning -> noise ->
/// sampler passes -> VAE decode lives, for txt2img, img2img and the SDXL
/// base -> refiner handoff, with ComfyUI's KSampler / KSamplerAdvanced
/// semantics so that a workflow moved from ComfyUI gives the same image for
/// the same seed. The CLI, the app's panels and the bench call it.
///
/// A job keeps its checkpoints loaded between runs in a CheckpointCache (a
/// new file, device or precision reloads). Not thread-safe: one job belongs to the thread that runs it.

#include "common/cancel.h"
#include "common/device.h"
#include "common/progress.h"
#include "diffusion/checkpoint.h"
#include "image/image.h"
#include "pipeline/generation_settings.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tessera {

/// What run() does, computed from the checkpoint headers alone.
struct SamplingPlan {
    sd::ModelFamily family = sd::ModelFamily::Sd1;
    int width = 0, height = 0;  ///< the result in pixels
    at::Tensor baseSigmas;      ///< [n + 1] the base pass samples; empty: it returns its input
    at::Tensor refinerSigmas;   ///< the refiner pass's; undefined without a refiner
    /// Sampler steps in all (the progress total before the VAE decode).
    int steps() const;
    /// What a person should know before running: options that do nothing
    /// here (HyperTile's max depth 0 on SDXL, which has no attention at full
    /// latent resolution), each one sentence.
    std::vector<std::string> notes;
};

class CheckpointCache;

class SamplingJob {
public:
    /// A job with its own cache, or sharing `cache` with other jobs (the workflow).
    explicit SamplingJob(std::shared_ptr<CheckpointCache> cache = nullptr);
    ~SamplingJob();
    SamplingJob(const SamplingJob&) = delete;
    SamplingJob& operator=(const SamplingJob&) = delete;

    /// The plan for txt2img (init == nullptr) or img2img of `init`. Throws
    /// Error(InvalidArgument) for unknown samplers or schedulers, impossible
    /// sizes and steps, a refiner that is not SDXL, and Error(Io /
    /// InvalidModel / UnsupportedModel) naming the file for unreadable checkpoints.
    SamplingPlan plan(const GenerationSettings& settings, const Image* init = nullptr);

    /// Samples an image: txt2img when init is null, else img2img of `init`
    /// (cropped to multiples of 8 about its centre, as ComfyUI's VAE encode
    /// does; its alpha is kept). Reports every sampler step and the decode to
    /// `progress` and checks `cancel` between steps and inside long UNet
    /// steps (Error(Cancelled)). The result carries the parameters in its
    /// "parameters" metadata (the text other tools write and read).
    Image run(const GenerationSettings& settings, const Image* init = nullptr, const CancelToken& cancel = {},
              const ProgressSink& progress = {});

private:
    std::shared_ptr<CheckpointCache> m_cache;
};

/// The "parameters" text of a generation (A1111's layout, which Civitai,
/// ComfyUI's readers and image browsers parse): the prompt, "Negative prompt:
/// ...", then "Steps: 20, Sampler: euler, Schedule type: normal, CFG scale: 8,
/// Seed: 1, Size: 512x512, Model: name, ...".
std::string generationParameters(const GenerationSettings& settings, const SamplingPlan& plan, bool img2img);

} // namespace tessera

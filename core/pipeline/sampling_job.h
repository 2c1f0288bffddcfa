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
#include "diffusion/unet/hypertile.h"
#include "image/image.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tessera {

/// One KSamplerAdvanced call (ComfyUI's names in the comments).
struct SamplingPass {
    std::string sampler = "euler";    ///< sampler_name (sd::samplerNames())
    std::string scheduler = "normal"; ///< scheduler (sd::schedulerNames())
    int steps = 20;
    double cfg = 8.0;
    /// KSampler's denoise: below 1 the pass runs the last `steps` steps of a
    /// schedule of int(steps / denoise) steps (img2img strength).
    double denoise = 1.0;
    int startStep = 0;              ///< start_at_step: steps before it are skipped
    std::optional<int> endStep;     ///< end_at_step: the pass stops there (last_step)
    bool addNoise = true;           ///< add_noise: false samples the latent as it is
    /// return_with_leftover_noise: an early end keeps its noise for the next
    /// pass; false forces a full denoise at endStep (force_full_denoise).
    bool leftoverNoise = false;
};

/// The product seed's handoff (Mikey's sampler): the SDXL base samples steps
/// 0..14 of 30 (cfg 6.5, dpmpp_3m_sde_gpu, exponential) and returns the
/// leftover noise ...
SamplingPass seedBasePass();
/// ... and the refiner, with noise disabled, continues from step 15 of its own
/// 32-step schedule (cfg 3.5, same sampler and scheduler), forcing a full denoise.
SamplingPass seedRefinerPass();

struct GenerationSettings {
    std::string checkpoint;        ///< the base model: single file or diffusers folder
    std::string refinerCheckpoint; ///< empty: no refiner pass
    std::string vaePath;           ///< empty: the base checkpoint's VAE
    std::string vocabularyPath;    ///< the CLIP vocabulary; empty: searched (vocab_locator.h)
    std::string prompt;
    std::string negativePrompt;
    int clipSkip = 1;              ///< SD 1.x: 1 the last CLIP layer, 2 the penultimate ...
    uint64_t seed = 0;
    int width = 0;                 ///< txt2img size in pixels, a multiple of 8; 0: the family's
    int height = 0;                ///< (512 for SD 1.x, 1024 for SDXL)
    SamplingPass base;
    SamplingPass refiner;          ///< used when refinerCheckpoint is set
    double aestheticScore = 6.0;          ///< refiner ADM, positive prompt
    double negativeAestheticScore = 2.5;  ///< refiner ADM, negative prompt
    /// HyperTile on every pass's UNet; its seed is the generation's seed.
    std::optional<sd::HyperTileOptions> hyperTile;
    DeviceSpec device;
    Precision precision = Precision::Fp16; ///< on CUDA; the CPU runs fp32
};

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

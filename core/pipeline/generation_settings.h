#pragma once
/// What a generation runs: one KSamplerAdvanced pass and the settings of a
/// generation (checkpoints, prompts, seed, passes). Torch-free, so the app's
/// panels hold them; sampling_job.h runs them.

#include "common/device.h"
#include "diffusion/unet/hypertile_options.h"

#include <cstdint>
#include <optional>
#include <string>

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
    /// On CUDA without HyperTile: each step replayed from a CUDA graph per
    /// latent shape (unet_graphs.h), the same values as eager and 1.09x
    /// (SD 1.5 1024²) to 1.54x (SD 1.5 512²) faster per step on an H200
    /// (tests/bench/NOTES.md, session 11); off, every step runs eagerly.
    bool cudaGraphs = true;
    DeviceSpec device;
    Precision precision = Precision::Fp16; ///< on CUDA; the CPU runs fp32
};

} // namespace tessera

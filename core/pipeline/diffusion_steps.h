#pragma once
/// The steps the diffusion jobs (sampling, refinement, the workflow) compose,
/// each written once: prompts -> conditioning per family, a pass's sigmas,
/// what a pass installs on its UNet, one KSamplerAdvanced call, and the VAE
/// on either side (whole, or tile by tile for large images).

#include "common/cancel.h"
#include "diffusion/checkpoint.h"
#include "diffusion/diffusion_models.h"
#include "diffusion/samplers/sampler.h"
#include "diffusion/sampling/denoiser.h"
#include "diffusion/sampling/discrete_schedule.h"
#include "diffusion/tokenizer/clip_bpe.h"
#include "diffusion/unet/hypertile.h"
#include "pipeline/sampling_job.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <optional>
#include <string>

namespace tessera {

bool isSdxlFamily(sd::ModelFamily family);

/// The text a run is conditioned on.
struct PromptText {
    std::string prompt;
    std::string negativePrompt;
    int clipSkip = 1;                    ///< SD 1.x
    double aestheticScore = 6.0;         ///< SDXL refiner, positive side
    double negativeAestheticScore = 2.5; ///< SDXL refiner, negative side
};

/// Both sides of the guidance for one checkpoint.
struct Conditioning {
    sd::UNetConditioning positive, negative;
};

/// The prompts encoded for `models`' family; SDXL's size conditioning is
/// width x height pixels (original = target, no crop, as ComfyUI fills it).
Conditioning encodePrompts(const sd::DiffusionModels& models, const sd::ClipTokenizer& tokenizer, const PromptText& text,
                           int width, int height);

/// Throws Error(InvalidArgument) naming `role` for steps, cfg, denoise or
/// step bounds out of range, and unknown sampler or scheduler names.
void checkPass(const SamplingPass& pass, const char* role);

/// KSamplerAdvanced's window of `pass` over its scheduler's sigmas: [n + 1].
at::Tensor passSigmas(const SamplingPass& pass, const sd::DiscreteSchedule& schedule);

/// What a pass installs on its UNet (the cancel check between stages,
/// HyperTile's attention hooks seeded with `seed`, or else CUDA graphs when
/// `cudaGraphs`), removed when the pass ends, however it ends: the graphs'
/// memory goes back with them.
class UNetPassPatches {
public:
    UNetPassPatches(sd::UNetModel& unet, const CancelToken& cancel, const std::optional<sd::HyperTileOptions>& hyperTile,
                    uint64_t seed, bool cudaGraphs);
    ~UNetPassPatches();
    UNetPassPatches(const UNetPassPatches&) = delete;
    UNetPassPatches& operator=(const UNetPassPatches&) = delete;

private:
    sd::UNetModel& m_unet;
};

/// HyperTile on the VAE's mid-block attention for a run, when the options
/// ask for it (HyperTileOptions::vae), seeded with `seed`; removed when the
/// run ends, however it ends.
class VaeHyperTilePatch {
public:
    VaeHyperTilePatch(sd::VaeModel& vae, const std::optional<sd::HyperTileOptions>& hyperTile, uint64_t seed);
    ~VaeHyperTilePatch();
    VaeHyperTilePatch(const VaeHyperTilePatch&) = delete;
    VaeHyperTilePatch& operator=(const VaeHyperTilePatch&) = delete;

private:
    sd::VaeModel* m_vae = nullptr; ///< null when nothing was patched
};

/// One KSamplerAdvanced call: ComfyUI's start noise for `seed` over the
/// latent's shape (none when !pass.addNoise), then the pass's sampler down
/// `sigmas` with `denoiser`. latent: [B, 4, h, w] fp32 -> the same shape.
/// Fewer than two sigmas return the latent as it is.
at::Tensor sampleLatent(const sd::Denoiser& denoiser, const SamplingPass& pass, const at::Tensor& sigmas,
                        const at::Tensor& latent, uint64_t seed, const sd::StepCallback& step);

/// Latents up to this many positions go through the VAE whole; larger ones
/// tile by tile with shared GroupNorm statistics (one colour).
constexpr int64_t kWholeVaeLatentPositions = 128 * 128;

/// pixels [B, C, H, W] in [0, 1] (grey repeated to RGB, alpha ignored; H, W
/// multiples of 8) -> the scaled latent [B, 4, H / 8, W / 8] fp32 on the VAE's device.
at::Tensor encodeToLatent(const sd::VaeModel& vae, sd::ModelFamily family, const at::Tensor& pixels,
                          const CancelToken& cancel);

/// The scaled latent [B, 4, h, w] -> pixels [B, 3, 8 h, 8 w] in [0, 1] fp32 on the CPU.
at::Tensor decodeToPixels(const sd::VaeModel& vae, sd::ModelFamily family, const at::Tensor& latent,
                          const CancelToken& cancel);

/// Checks HyperTile's options (Error(InvalidArgument) out of range) and
/// returns the plan's note when they reach no attention of `layout`'s UNet
/// (max depth 0 on SDXL).
std::optional<std::string> checkHyperTile(const sd::CheckpointLayout& layout,
                                          const std::optional<sd::HyperTileOptions>& options);

/// The head of a "parameters" text (A1111's layout): the prompt line and,
/// when there is one, "Negative prompt: ..." on the next.
std::string parametersHead(const std::string& prompt, const std::string& negativePrompt);
/// ", HyperTile: tile 256 swap 2 depth 0" (empty without HyperTile).
std::string hyperTileParameter(const std::optional<sd::HyperTileOptions>& options);

/// The stem of a model path ("sd_xl_base_1.0" for ".../sd_xl_base_1.0.safetensors",
/// the folder's name for a diffusers folder).
std::string modelStem(const std::string& path);

} // namespace tessera

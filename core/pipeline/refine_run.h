#pragma once
/// The refine job's run (internal to core/pipeline): the checkpoints of one
/// refinement with their guidance, its progress, and the three modes over
/// them (refine_job.h says what each mode does).

#include "pipeline/checkpoint_cache.h"
#include "pipeline/diffusion_steps.h"
#include "pipeline/refine_job.h"

#include "common/progress.h"
#include "diffusion/sampling/denoiser.h"

#include <ATen/ATen.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tessera {

/// The colour channels of a run: [1, C, H, W] in [0, 1] -> [1, 3 or 1, H, W]
/// (alpha, when there is one, is not refined).
at::Tensor colourOf(const at::Tensor& pixels);

/// One checkpoint's part of the refinement: its networks, guidance and window.
struct RefineStage {
    sd::DiffusionModels models;
    Conditioning conditioning;
    SamplingPass pass;
    at::Tensor sigmas;
    std::optional<UNetPassPatches> patches;
};

/// What every run of one plan shares: the stages (the checkpoint, then the
/// refiner), the VAE and the progress over the plan's units.
struct RefineRun {
    RefineRun(const RefineSettings& s, const RefinePlan& p, const CancelToken& c, const ProgressSink& sink)
        : settings(s), plan(p), cancel(c), progress(sink)
    {
    }

    const RefineSettings& settings;
    const RefinePlan& plan;
    const CancelToken& cancel;
    const ProgressSink& progress;
    std::vector<std::unique_ptr<RefineStage>> stages;
    std::shared_ptr<sd::VaeModel> vae;
    std::optional<VaeHyperTilePatch> vaePatch; ///< after `vae`: removed before it is released
    sd::DiscreteSchedule schedule = sd::DiscreteSchedule::stableDiffusion();
    sd::ModelFamily family = sd::ModelFamily::Sd1; ///< the checkpoint's: the VAE's latent scale
    EtaEstimator eta;
    int64_t done = 0;

    /// Loads the checkpoints and encodes the prompts for each.
    void prepare(CheckpointCache& cache)
    {
        auto addStage = [&](const std::string& path, const SamplingPass& pass, const at::Tensor& sigmas) {
            auto stage = std::make_unique<RefineStage>();
            stage->models = cache.models(path, settings.device, settings.precision);
            cancel.throwIfCancelled();
            const PromptText text{settings.prompt, settings.negativePrompt, settings.clipSkip, settings.aestheticScore,
                                  settings.negativeAestheticScore};
            stage->conditioning = encodePrompts(stage->models, cache.tokenizer(path, settings.vocabularyPath), text,
                                                plan.paddedWidth, plan.paddedHeight);
            stage->pass = pass;
            stage->sigmas = sigmas;
            // One checkpoint as both: its UNet is patched once.
            if (stages.empty() || stages.front()->models.unet != stage->models.unet)
                stage->patches.emplace(*stage->models.unet, cancel, settings.hyperTile, settings.seed, settings.cudaGraphs);
            stages.push_back(std::move(stage));
        };
        addStage(settings.checkpoint, plan.pass, plan.sigmas);
        family = stages.front()->models.layout.family;
        if (plan.refinerSigmas.defined())
            addStage(settings.refinerCheckpoint, plan.refinerPass, plan.refinerSigmas);
        vae = cache.vae(settings.checkpoint, settings.vaePath, settings.device, settings.precision);
        vaePatch.emplace(*vae, settings.hyperTile, settings.seed);
    }

    void report(const std::string& stage)
    {
        if (progress)
            progress(eta.update(done, stage));
    }
    static sd::Denoiser guided(const RefineStage& stage, const sd::DiscreteSchedule& schedule)
    {
        return sd::guidedEpsDenoiser(*stage.models.unet, schedule, stage.conditioning.positive,
                                     stage.conditioning.negative, stage.pass.cfg);
    }
    std::string tileStage(int tile, int step) const
    {
        return "tile " + std::to_string(tile + 1) + "/" + std::to_string(plan.tiles.tileCount()) + ", step " +
               std::to_string(step + 1) + "/" + std::to_string(plan.steps());
    }
    /// latent [B, 4, h, w] through every stage: each stage's denoiser made by
    /// `denoiserOf`, `stepDone(step)` after each step (counted over the stages).
    at::Tensor sampleStages(at::Tensor latent, const std::function<sd::Denoiser(const RefineStage&)>& denoiserOf,
                            const std::function<void(int step)>& stepDone)
    {
        int first = 0;
        for (const auto& stage : stages) {
            latent = sampleLatent(denoiserOf(*stage), stage->pass, stage->sigmas, latent, settings.seed,
                                  [&](int index, int, const at::Tensor&, const at::Tensor&) {
                                      stepDone(first + index);
                                      cancel.throwIfCancelled();
                                  });
            first += int(std::max<int64_t>(stage->sigmas.numel() - 1, 0));
        }
        return latent;
    }
    /// One tile's latent [1, 4, h, w] resampled alone with the seed's noise for its shape.
    at::Tensor sampleTile(const at::Tensor& latent, int tile)
    {
        return sampleStages(latent, [&](const RefineStage& stage) { return guided(stage, schedule); },
                            [&](int step) {
                                ++done;
                                report(tileStage(tile, step));
                            });
    }
    /// One pixel window [1, 3, h, w] through the VAE and the sampler: -> [1, 3, h, w] on the CPU.
    at::Tensor refinePixels(const at::Tensor& window, int tile)
    {
        const at::Tensor latent = encodeToLatent(*vae, family, window, cancel);
        ++done;
        const at::Tensor sampled = sampleTile(latent, tile);
        cancel.throwIfCancelled();
        const at::Tensor pixels = decodeToPixels(*vae, family, sampled, cancel);
        ++done;
        report(tileStage(tile, plan.steps() - 1));
        return pixels;
    }
};

/// The latent modes (blend, tiles): latent [1, 4, h, w] -> refined, the same shape.
at::Tensor refineLatent(RefineRun& run, const at::Tensor& latent, const RefineHooks& hooks);

/// Pixel mode: colour [1, 3 or 1, H8, W8] in [0, 1] -> refined [1, 3, H8, W8] on the CPU.
at::Tensor refinePixelTiles(RefineRun& run, const at::Tensor& colour, const RefineHooks& hooks);

} // namespace tessera

#include "pipeline/refine_job.h"

#include "pipeline/checkpoint_cache.h"
#include "pipeline/diffusion_steps.h"

#include "common/error.h"
#include "common/torch_compat.h"
#include "diffusion/sampling/tiled_denoiser.h"
#include "diffusion/unet/unet.h"
#include "diffusion/vae/vae.h"
#include "image/tensor_convert.h"
#include "tiling/tile_accumulator.h"
#include "tiling/tile_tensors.h"

#include <c10/core/InferenceMode.h>

#include <sstream>

namespace tessera {
namespace {

using sd::ModelFamily;

int roundUpTo8(int value)
{
    return (value + 7) / 8 * 8;
}

/// The colour channels of a run: [1, C, H, W] in [0, 1] -> [1, 3 or 1, H, W]
/// (alpha, when there is one, is not refined).
at::Tensor colourOf(const at::Tensor& pixels)
{
    const int64_t c = pixels.size(1);
    return (c == 2 || c == 4) ? pixels.slice(1, 0, c - 1) : pixels;
}

/// What every run of one plan shares: the networks, the guidance and the
/// progress over the plan's units.
struct RefineRun {
    const RefineSettings& settings;
    const RefinePlan& plan;
    const CancelToken& cancel;
    const ProgressSink& progress;
    sd::DiffusionModels models;
    std::shared_ptr<sd::VaeModel> vae;
    sd::DiscreteSchedule schedule = sd::DiscreteSchedule::stableDiffusion();
    Conditioning conditioning;
    EtaEstimator eta;
    int64_t done = 0;

    void report(const std::string& stage)
    {
        if (progress)
            progress(eta.update(done, stage));
    }
    sd::Denoiser guided() const
    {
        return sd::guidedEpsDenoiser(*models.unet, schedule, conditioning.positive, conditioning.negative,
                                     plan.pass.cfg);
    }
    int steps() const { return int(std::max<int64_t>(plan.sigmas.numel() - 1, 0)); }
    std::string tileStage(int tile, int step) const
    {
        return "tile " + std::to_string(tile + 1) + "/" + std::to_string(plan.tiles.tileCount()) + ", step " +
               std::to_string(step + 1) + "/" + std::to_string(steps());
    }
    /// One tile's latent [1, 4, h, w] resampled alone with the seed's noise for its shape.
    at::Tensor sampleTile(const at::Tensor& latent, int tile)
    {
        return sampleLatent(guided(), plan.pass, plan.sigmas, latent, settings.seed,
                            [&](int step, int, const at::Tensor&, const at::Tensor&) {
                                ++done;
                                report(tileStage(tile, step));
                                cancel.throwIfCancelled();
                            });
    }
    /// One pixel window [1, 3, h, w] through the VAE and the sampler: -> [1, 3, h, w] on the CPU.
    at::Tensor refinePixels(const at::Tensor& window, int tile)
    {
        const at::Tensor latent = encodeToLatent(*vae, models.layout.family, window, cancel);
        ++done;
        const at::Tensor sampled = sampleTile(latent, tile);
        cancel.throwIfCancelled();
        const at::Tensor pixels = decodeToPixels(*vae, models.layout.family, sampled, cancel);
        ++done;
        report(tileStage(tile, steps() - 1));
        return pixels;
    }
};

/// Blend mode: one latent, every step over all tiles, blended.
at::Tensor refineBlended(RefineRun& run, const at::Tensor& colour)
{
    const RefinePlan& plan = run.plan;
    at::Tensor latent = encodeToLatent(*run.vae, run.models.layout.family, colour, run.cancel);
    ++run.done;
    run.report("vae encode");
    const int tiles = plan.tiles.tileCount();
    int step = 0;
    sd::TiledDenoiserOptions options;
    options.batch = plan.batch;
    options.ramp = run.settings.ramp;
    options.tilesDone = [&](int done, int) {
        // A sampler may evaluate twice per step: the count stays inside the step.
        run.done = std::min<int64_t>(int64_t(step) * tiles + done, int64_t(step + 1) * tiles - 1) + 1;
        run.report(run.tileStage(done - 1, step));
        run.cancel.throwIfCancelled();
    };
    const sd::Denoiser denoiser = sd::tiledDenoiser(run.guided(), plan.tiles, options);
    latent = sampleLatent(denoiser, plan.pass, plan.sigmas, latent, run.settings.seed,
                          [&](int index, int, const at::Tensor&, const at::Tensor&) {
                              step = index + 1;
                              run.done = 1 + int64_t(step) * tiles;
                              run.cancel.throwIfCancelled();
                          });
    run.report("vae decode");
    const at::Tensor pixels = decodeToPixels(*run.vae, run.models.layout.family, latent, run.cancel);
    ++run.done;
    return pixels;
}

/// Tiles mode: each latent tile resampled alone, stitched with the ramps.
at::Tensor refineLatentTiles(RefineRun& run, const at::Tensor& colour, const RefineHooks& hooks)
{
    const RefinePlan& plan = run.plan;
    const at::Tensor latent = encodeToLatent(*run.vae, run.models.layout.family, colour, run.cancel);
    ++run.done;
    run.report("vae encode");
    TileAccumulator accumulator({0, 0, plan.tiles.outputWidth(), plan.tiles.outputHeight()}, int(latent.size(1)),
                                latent.device());
    BlendWeightCache weights(run.settings.ramp, latent.device());
    for (const Tile& tile : plan.tiles.tiles()) {
        if (hooks.tileStarted)
            hooks.tileStarted(tile);
        const TileRect halo = plan.tiles.toOutput(tile.halo), blend = plan.tiles.toOutput(tile.blend);
        const at::Tensor sampled = run.sampleTile(detail::reflectWindow(latent, halo), tile.index);
        accumulator.add(blend, detail::cropWithin(sampled[0], halo, blend), weights.y(plan.tiles, tile),
                        weights.x(plan.tiles, tile));
    }
    run.report("vae decode");
    const at::Tensor pixels =
        decodeToPixels(*run.vae, run.models.layout.family, accumulator.result().unsqueeze(0), run.cancel);
    ++run.done;
    return pixels;
}

/// Pixel mode: each pixel tile through the VAE and the sampler, blended in pixels.
at::Tensor refinePixelTiles(RefineRun& run, const at::Tensor& colour, const RefineHooks& hooks)
{
    const RefinePlan& plan = run.plan;
    const c10::Device device = run.vae->device();
    TileAccumulator accumulator({0, 0, plan.paddedWidth, plan.paddedHeight}, 3, device);
    BlendWeightCache weights(run.settings.ramp, device);
    for (const Tile& tile : plan.tiles.tiles()) {
        if (hooks.tileStarted)
            hooks.tileStarted(tile);
        const at::Tensor refined = run.refinePixels(detail::reflectWindow(colour, tile.halo), tile.index).to(device);
        accumulator.add(tile.blend, detail::cropWithin(refined[0], tile.halo, tile.blend),
                        weights.y(plan.tiles, tile), weights.x(plan.tiles, tile));
    }
    return accumulator.result().unsqueeze(0).to(at::kCPU);
}

} // namespace

const char* refineModeName(RefineMode mode)
{
    switch (mode) {
    case RefineMode::Blend: return "blend";
    case RefineMode::Tiles: return "tiles";
    case RefineMode::Pixel: return "pixel";
    }
    return "blend";
}

RefineMode parseRefineMode(const std::string& text)
{
    for (RefineMode mode : {RefineMode::Blend, RefineMode::Tiles, RefineMode::Pixel})
        if (text == refineModeName(mode))
            return mode;
    throw Error(ErrorCode::InvalidArgument, "unknown refine mode '" + text + "' (expected blend, tiles or pixel)");
}

int refineStartStep(int steps, double denoise)
{
    return int(double(steps) - double(steps) * denoise);
}

int64_t RefinePlan::units() const
{
    const int64_t steps = std::max<int64_t>(sigmas.defined() ? sigmas.numel() - 1 : 0, 0);
    const int64_t tiles = this->tiles.tileCount();
    if (mode == RefineMode::Pixel)
        return tiles * (steps + 2); // encode, steps, decode per tile
    return steps * tiles + 2;       // encode, steps x tiles, decode
}

RefineJob::RefineJob(std::shared_ptr<CheckpointCache> cache)
    : m_cache(cache ? std::move(cache) : std::make_shared<CheckpointCache>())
{
}

RefineJob::~RefineJob() = default;

RefinePlan RefineJob::plan(const RefineSettings& settings, int width, int height)
{
    const sd::CheckpointLayout layout = inspectDiffusionCheckpoint(settings.checkpoint, "refine");
    if (layout.family == ModelFamily::VaeOnly || !layout.unet)
        throw Error(ErrorCode::InvalidArgument, settings.checkpoint + ": a VAE alone cannot refine (give it with --vae)");
    auto fail = [](const std::string& what) { throw Error(ErrorCode::InvalidArgument, "refine: " + what); };
    if (width < 8 || height < 8 || width > 65536 || height > 65536)
        fail("the image must be 8x8 to 65536x65536 pixels, not " + std::to_string(width) + "x" + std::to_string(height));
    if (settings.tileSize < 64 || settings.tileSize > 8192)
        fail("tile size must be 64..8192 pixels, not " + std::to_string(settings.tileSize));
    if (!(settings.denoise >= 0.0 && settings.denoise <= 1.0))
        fail("denoise must be 0..1");
    if (settings.halo < 0 || settings.halo > settings.tileSize)
        fail("halo must be 0..the tile size, not " + std::to_string(settings.halo));
    if (settings.batch < 0)
        fail("batch must not be negative");

    RefinePlan plan;
    plan.family = layout.family;
    plan.mode = settings.mode;
    plan.width = width;
    plan.height = height;
    plan.paddedWidth = roundUpTo8(width);
    plan.paddedHeight = roundUpTo8(height);

    TileSettings tiles;
    tiles.tileSize = roundUpTo8(settings.tileSize);
    tiles.overlap = settings.overlap < 0 ? tiles.tileSize / 4 / 8 * 8 : roundUpTo8(settings.overlap);
    if (tiles.overlap > tiles.tileSize / 2)
        fail("overlap must be at most half the tile (" + std::to_string(tiles.tileSize / 2) + " pixels), not " +
             std::to_string(settings.overlap));
    tiles.halo = roundUpTo8(settings.halo);
    const bool pixelMode = settings.mode == RefineMode::Pixel;
    tiles.scale = pixelMode ? ScaleRatio(1) : ScaleRatio(1, 8);
    tiles.inputMultiple = 8;
    plan.tiles = TilePlan(plan.paddedWidth, plan.paddedHeight, tiles);

    plan.pass.sampler = settings.sampler;
    plan.pass.scheduler = settings.scheduler;
    plan.pass.steps = settings.steps;
    plan.pass.cfg = settings.cfg;
    plan.pass.startStep = refineStartStep(settings.steps, settings.denoise);
    checkPass(plan.pass, "refine");
    plan.sigmas = passSigmas(plan.pass, sd::DiscreteSchedule::stableDiffusion());
    const bool cuda = settings.device.kind == DeviceKind::Cuda;
    plan.batch = settings.mode != RefineMode::Blend ? 1
                 : std::min(plan.tiles.tileCount(), settings.batch > 0 ? settings.batch : (cuda ? 4 : 1));

    if (const std::optional<std::string> note = checkHyperTile(layout, settings.hyperTile))
        plan.notes.push_back(*note);
    if (plan.sigmas.numel() < 2)
        plan.notes.push_back("denoise " + std::to_string(settings.denoise) + " of " + std::to_string(settings.steps) +
                             " steps runs no step: the image only goes through the VAE");
    return plan;
}

Image RefineJob::run(const RefineSettings& settings, const Image& image, const CancelToken& cancel,
                     const ProgressSink& progress, const RefineHooks& hooks)
{
    const RefinePlan plan = this->plan(settings, image.width(), image.height());
    c10::InferenceMode inference;
    useAllCoresOnThisThread();
    CheckpointCache& cache = *m_cache;
    RefineRun run{settings, plan, cancel, progress};
    run.models = cache.models(settings.checkpoint, settings.device, settings.precision);
    cancel.throwIfCancelled();
    run.vae = cache.vae(settings.checkpoint, settings.vaePath, settings.device, settings.precision);
    const PromptText text{settings.prompt, settings.negativePrompt, settings.clipSkip, settings.aestheticScore,
                          settings.negativeAestheticScore};
    run.conditioning = encodePrompts(run.models, cache.tokenizer(settings.checkpoint, settings.vocabularyPath), text,
                                     plan.paddedWidth, plan.paddedHeight);
    const UNetPassPatches patches(*run.models.unet, cancel, settings.hyperTile, settings.seed);
    run.eta.start(plan.units());
    run.report(refineModeName(settings.mode));

    // [1, C, H, W] -> colour reflect padded to [1, 3 or 1, H8, W8]
    const at::Tensor pixels = imageToTensor(image);
    const at::Tensor colour =
        detail::reflectWindow(colourOf(pixels), {0, 0, plan.paddedWidth, plan.paddedHeight}).contiguous();
    at::Tensor refined; // [1, 3, H8, W8] in [0, 1] on the CPU
    switch (settings.mode) {
    case RefineMode::Blend: refined = refineBlended(run, colour); break;
    case RefineMode::Tiles: refined = refineLatentTiles(run, colour, hooks); break;
    case RefineMode::Pixel: refined = refinePixelTiles(run, colour, hooks); break;
    }
    cancel.throwIfCancelled();
    refined = refined.slice(2, 0, plan.height).slice(3, 0, plan.width).clamp(0.0, 1.0);
    if (colour.size(1) == 1) // grey in, grey out: the mean of the VAE's RGB
        refined = refined.mean(1, /*keepdim=*/true);
    if (pixels.size(1) == 2 || pixels.size(1) == 4)
        refined = at::cat({refined, pixels.slice(1, pixels.size(1) - 1)}, 1);
    run.done = plan.units();
    run.report("done");

    Image result = tensorToImage(refined);
    result.metadata() = image.metadata();
    result.metadata().setString("parameters", refineParameters(settings, plan));
    return result;
}

Image RefineJob::previewTile(const RefineSettings& settings, const Image& image, int tileIndex,
                             const CancelToken& cancel, const ProgressSink& progress)
{
    const RefinePlan plan = this->plan(settings, image.width(), image.height());
    if (tileIndex < 0 || tileIndex >= plan.tiles.tileCount())
        throw Error(ErrorCode::InvalidArgument, "refine preview: no tile " + std::to_string(tileIndex) + " in a plan of " +
                                                    std::to_string(plan.tiles.tileCount()));
    c10::InferenceMode inference;
    useAllCoresOnThisThread();
    CheckpointCache& cache = *m_cache;
    RefineRun run{settings, plan, cancel, progress};
    run.models = cache.models(settings.checkpoint, settings.device, settings.precision);
    run.vae = cache.vae(settings.checkpoint, settings.vaePath, settings.device, settings.precision);
    const PromptText text{settings.prompt, settings.negativePrompt, settings.clipSkip, settings.aestheticScore,
                          settings.negativeAestheticScore};
    run.conditioning = encodePrompts(run.models, cache.tokenizer(settings.checkpoint, settings.vocabularyPath), text,
                                     plan.paddedWidth, plan.paddedHeight);
    const UNetPassPatches patches(*run.models.unet, cancel, settings.hyperTile, settings.seed);
    run.eta.start(run.steps() + 2);

    const Tile& tile = plan.tiles.tiles()[size_t(tileIndex)];
    const at::Tensor colour = colourOf(imageToTensor(image));
    const at::Tensor refined = run.refinePixels(detail::reflectWindow(colour, tile.halo), tileIndex);
    const TileRect area = intersected(tile.area, {0, 0, plan.width, plan.height});
    at::Tensor crop = detail::cropWithin(refined, tile.halo, area);
    if (colour.size(1) == 1)
        crop = crop.mean(1, /*keepdim=*/true);
    return tensorToImage(crop);
}

std::string refineParameters(const RefineSettings& settings, const RefinePlan& plan)
{
    std::ostringstream text;
    text << parametersHead(settings.prompt, settings.negativePrompt) << "Steps: " << settings.steps
         << ", Sampler: " << settings.sampler << ", Schedule type: " << settings.scheduler
         << ", CFG scale: " << settings.cfg << ", Seed: " << settings.seed << ", Size: " << plan.width << "x"
         << plan.height << ", Model: " << modelStem(settings.checkpoint) << ", Denoising strength: " << settings.denoise
         << ", Tiled refine: " << refineModeName(settings.mode) << ", Tile size: " << plan.tiles.settings().tileSize
         << ", Tile overlap: " << plan.tiles.settings().overlap;
    if (plan.tiles.settings().halo > 0)
        text << ", Tile halo: " << plan.tiles.settings().halo;
    if (settings.clipSkip > 1)
        text << ", Clip skip: " << settings.clipSkip;
    if (!settings.vaePath.empty())
        text << ", VAE: " << modelStem(settings.vaePath);
    text << hyperTileParameter(settings.hyperTile) << ", Version: Tessera";
    return text.str();
}

} // namespace tessera

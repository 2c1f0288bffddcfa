#include "pipeline/refine_job.h"

#include "pipeline/checkpoint_cache.h"
#include "pipeline/diffusion_steps.h"
#include "pipeline/refine_run.h"

#include "common/cancel_scope.h"
#include "common/error.h"
#include "common/torch_compat.h"
#include "diffusion/vae/vae.h"
#include "image/tensor_convert.h"
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

int RefinePlan::steps() const
{
    auto count = [](const at::Tensor& s) { return s.defined() ? int(std::max<int64_t>(s.numel() - 1, 0)) : 0; };
    return count(sigmas) + count(refinerSigmas);
}

int64_t RefinePlan::units() const
{
    const int64_t steps = this->steps();
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
    const sd::DiscreteSchedule schedule = sd::DiscreteSchedule::stableDiffusion();
    if (!settings.refinerCheckpoint.empty()) {
        const sd::CheckpointLayout refiner = inspectDiffusionCheckpoint(settings.refinerCheckpoint, "refiner");
        if (!isSdxlFamily(refiner.family) || !isSdxlFamily(layout.family))
            fail(settings.refinerCheckpoint + ": a refiner needs an SDXL checkpoint and an SDXL refiner (or base), not " +
                 sd::familyName(layout.family) + " -> " + sd::familyName(refiner.family));
        const int switchStep = settings.refinerStartStep >= 0 ? settings.refinerStartStep : int(0.8 * settings.steps);
        // KSamplerAdvanced's handoff: the checkpoint to the switch with its
        // leftover noise, the refiner from there without adding any.
        plan.refinerPass = plan.pass;
        plan.refinerPass.startStep = std::max(switchStep, plan.pass.startStep);
        plan.refinerPass.addNoise = false;
        plan.pass.endStep = plan.refinerPass.startStep;
        plan.pass.leftoverNoise = true;
        plan.refinerSigmas = passSigmas(plan.refinerPass, schedule);
    }
    plan.sigmas = passSigmas(plan.pass, schedule);
    const bool cuda = settings.device.kind == DeviceKind::Cuda;
    plan.batch = settings.mode != RefineMode::Blend ? 1
                 : std::min(plan.tiles.tileCount(), settings.batch > 0 ? settings.batch : (cuda ? 4 : 1));

    if (const std::optional<std::string> note = checkHyperTile(layout, settings.hyperTile))
        plan.notes.push_back(*note);
    if (plan.steps() == 0)
        plan.notes.push_back("denoise " + std::to_string(settings.denoise) + " of " + std::to_string(settings.steps) +
                             " steps runs no step: the image only goes through the VAE");
    return plan;
}

Image RefineJob::run(const RefineSettings& settings, const Image& image, const CancelToken& cancel,
                     const ProgressSink& progress, const RefineHooks& hooks)
{
    const RefinePlan plan = this->plan(settings, image.width(), image.height());
    const CancelScope cancelScope(cancel); // the forwards poll it between layers
    c10::InferenceMode inference;
    useAllCoresOnThisThread();
    RefineRun run{settings, plan, cancel, progress};
    run.prepare(*m_cache);
    run.eta.start(plan.units());
    run.report(refineModeName(settings.mode));

    // [1, C, H, W] -> colour reflect padded to [1, 3 or 1, H8, W8]
    const at::Tensor pixels = imageToTensor(image);
    const at::Tensor colour =
        detail::reflectWindow(colourOf(pixels), {0, 0, plan.paddedWidth, plan.paddedHeight}).contiguous();
    at::Tensor refined; // [1, 3, H8, W8] in [0, 1] on the CPU
    if (settings.mode == RefineMode::Pixel) {
        refined = refinePixelTiles(run, colour, hooks);
    } else {
        const at::Tensor latent = encodeToLatent(*run.vae, run.family, colour, cancel);
        ++run.done;
        run.report("vae encode");
        const at::Tensor sampled = refineLatent(run, latent, hooks);
        run.report("vae decode");
        refined = decodeToPixels(*run.vae, run.family, sampled, cancel);
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

at::Tensor RefineJob::runLatent(const RefineSettings& settings, const at::Tensor& latent, const CancelToken& cancel,
                                const ProgressSink& progress, const RefineHooks& hooks)
{
    if (settings.mode == RefineMode::Pixel)
        throw Error(ErrorCode::InvalidArgument, "refine: pixel mode refines images, not latents");
    if (latent.dim() != 4 || latent.size(0) != 1)
        throw Error(ErrorCode::InvalidArgument, "refine: expected a latent [1, C, h, w]");
    const RefinePlan plan = this->plan(settings, int(latent.size(3)) * 8, int(latent.size(2)) * 8);
    const CancelScope cancelScope(cancel); // the forwards poll it between layers
    c10::InferenceMode inference;
    useAllCoresOnThisThread();
    RefineRun run{settings, plan, cancel, progress};
    run.prepare(*m_cache);
    run.eta.start(plan.units());
    run.done = 1; // no VAE passes here
    const at::Tensor refined =
        refineLatent(run, latent.to(run.vae->device(), at::kFloat), hooks);
    run.done = plan.units();
    run.report("done");
    return refined;
}

Image RefineJob::previewTile(const RefineSettings& settings, const Image& image, int tileIndex,
                             const CancelToken& cancel, const ProgressSink& progress)
{
    const RefinePlan plan = this->plan(settings, image.width(), image.height());
    if (tileIndex < 0 || tileIndex >= plan.tiles.tileCount())
        throw Error(ErrorCode::InvalidArgument, "refine preview: no tile " + std::to_string(tileIndex) + " in a plan of " +
                                                    std::to_string(plan.tiles.tileCount()));
    const CancelScope cancelScope(cancel); // the forwards poll it between layers
    c10::InferenceMode inference;
    useAllCoresOnThisThread();
    RefineRun run{settings, plan, cancel, progress};
    run.prepare(*m_cache);
    run.eta.start(plan.steps() + 2);

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
    if (plan.refinerSigmas.defined())
        text << ", Refiner: " << modelStem(settings.refinerCheckpoint) << ", Refiner start step: "
             << plan.refinerPass.startStep;
    text << hyperTileParameter(settings.hyperTile) << ", Version: Tessera";
    return text.str();
}

} // namespace tessera

#include "pipeline/refine_run.h"

#include "diffusion/sampling/tiled_denoiser.h"
#include "diffusion/vae/vae.h"
#include "tiling/tile_accumulator.h"
#include "tiling/tile_tensors.h"

#include <algorithm>

namespace tessera {
namespace {

/// Blend mode: one latent [1, 4, h, w], every step over all tiles, blended.
at::Tensor refineBlended(RefineRun& run, const at::Tensor& latent)
{
    const RefinePlan& plan = run.plan;
    const int tiles = plan.tiles.tileCount();
    int step = 0; // the step under way, over both stages
    sd::TiledDenoiserOptions options;
    options.batch = plan.batch;
    options.ramp = run.settings.ramp;
    options.tilesDone = [&](int done, int) {
        // A sampler may evaluate twice per step: the count stays inside the step.
        run.done = 1 + std::min<int64_t>(int64_t(step) * tiles + done, int64_t(step + 1) * tiles - 1);
        run.report(run.tileStage(done - 1, step));
        run.cancel.throwIfCancelled();
    };
    return run.sampleStages(
        latent,
        [&](const RefineStage& stage) {
            return sd::tiledDenoiser(RefineRun::guided(stage, run.schedule), plan.tiles, options);
        },
        [&](int index) {
            step = index + 1;
            run.done = 1 + int64_t(step) * tiles;
        });
}

/// Tiles mode: each tile of the latent [1, 4, h, w] resampled alone, stitched with the ramps.
at::Tensor refineLatentTiles(RefineRun& run, const at::Tensor& latent, const RefineHooks& hooks)
{
    const RefinePlan& plan = run.plan;
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
    return accumulator.result().unsqueeze(0);
}

} // namespace

at::Tensor colourOf(const at::Tensor& pixels)
{
    const int64_t c = pixels.size(1);
    return (c == 2 || c == 4) ? pixels.slice(1, 0, c - 1) : pixels;
}

/// The latent modes: latent [1, 4, h, w] -> refined, the same shape.
at::Tensor refineLatent(RefineRun& run, const at::Tensor& latent, const RefineHooks& hooks)
{
    return run.settings.mode == RefineMode::Tiles ? refineLatentTiles(run, latent, hooks) : refineBlended(run, latent);
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

} // namespace tessera

#pragma once
/// The refine job: tiled refinement of an (upscaled) image with a diffusion
/// checkpoint, adding detail tile by tile without seams. Three modes:
///
/// - Blend (default): the image is encoded once (tiled VAE above 1024²
///   pixels), and at every sampler step every latent tile is denoised (in
///   batches) and the predictions are blended into one latent with Gaussian
///   ramps before the step is taken, with one global noise field
///   (sd::tiledDenoiser). Tiles cannot drift apart, so no seam forms.
/// - Tiles (MikeyLatentTileSampler): each latent tile is resampled on its own
///   with the seed's noise for its shape, then the tiles are stitched with the
///   plan's ramps (not the original's one-sided feather).
/// - Pixel (the Mikey workflow's last stage): the image is cut into pixel
///   tiles, each encoded, resampled, decoded and blended back with the ramps.
///
/// Every mode resamples from start_step = int(steps - steps * denoise) of a
/// `steps` schedule (the seed's rule, not KSampler's int(steps / denoise)).
/// With a refiner checkpoint the steps from refinerStartStep on are the
/// refiner's (KSamplerAdvanced's handoff: the base keeps its leftover noise,
/// the refiner adds none), tile by tile or step by step as the mode goes.
/// The image is reflect padded to multiples of 8 and cropped back, so the
/// result has the input's size; its alpha is kept as it is.

#include "common/cancel.h"
#include "common/device.h"
#include "common/progress.h"
#include "diffusion/checkpoint.h"
#include "image/image.h"
#include "pipeline/refine_settings.h"
#include "pipeline/sampling_job.h"
#include "tiling/blend.h"
#include "tiling/tile_plan.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tessera {

class CheckpointCache;

/// start_step = int(steps - steps * denoise), in double arithmetic as the seed computes it.
int refineStartStep(int steps, double denoise);

/// What run() does, from the checkpoint's header and the image size alone.
struct RefinePlan {
    sd::ModelFamily family = sd::ModelFamily::Sd1;
    RefineMode mode = RefineMode::Blend;
    int width = 0, height = 0;             ///< the image and the result
    int paddedWidth = 0, paddedHeight = 0; ///< reflect padded to multiples of 8
    /// The tiles over the padded image in image pixels (what the overlay
    /// draws); toOutput() gives latent pixels in the latent modes (scale
    /// 1/8) and image pixels in pixel mode (scale 1).
    TilePlan tiles;
    SamplingPass pass;  ///< the KSamplerAdvanced call of the latent or of every tile
    at::Tensor sigmas;  ///< [n + 1]; fewer than 2 (and no refiner steps): the image comes back re-encoded
    SamplingPass refinerPass;  ///< with a refiner: its call, after `pass`
    at::Tensor refinerSigmas;  ///< with a refiner: [m + 1]; undefined without
    int steps() const;  ///< sampler steps of both passes
    int batch = 1;      ///< tiles per UNet call
    /// Progress units in all: steps() x tiles, plus the VAE passes.
    int64_t units() const;
    std::vector<std::string> notes; ///< options that do nothing here, one sentence each
};

/// Optional callbacks of a run (the app marks the tile being refined).
struct RefineHooks {
    std::function<void(const Tile&)> tileStarted;
};

class RefineJob {
public:
    /// A job with its own cache, or sharing `cache` with other jobs.
    explicit RefineJob(std::shared_ptr<CheckpointCache> cache = nullptr);
    ~RefineJob();
    RefineJob(const RefineJob&) = delete;
    RefineJob& operator=(const RefineJob&) = delete;

    /// Throws Error(InvalidArgument) for impossible sizes, tiles or pass
    /// settings, and Error(Io / InvalidModel / UnsupportedModel) naming the
    /// file for unreadable checkpoints.
    RefinePlan plan(const RefineSettings& settings, int width, int height);

    /// Refines `image`. Reports progress per tile and step ("step 3/8, tile
    /// 2/6") with ETA, checks `cancel` between tiles and inside UNet steps
    /// (Error(Cancelled)). The result carries the input's metadata plus the
    /// refinement in "parameters".
    Image run(const RefineSettings& settings, const Image& image, const CancelToken& cancel = {},
              const ProgressSink& progress = {}, const RefineHooks& hooks = {});

    /// The latent modes on a latent (MikeyLatentTileSampler's LATENT ->
    /// LATENT): latent [1, 4, h, w], scaled as the VAE's encoder gives it ->
    /// refined [1, 4, h, w] fp32, with plan(settings, 8 w, 8 h). Pixel mode
    /// needs pixels (Error(InvalidArgument)).
    at::Tensor runLatent(const RefineSettings& settings, const at::Tensor& latent, const CancelToken& cancel = {},
                         const ProgressSink& progress = {}, const RefineHooks& hooks = {});

    /// Tile `tileIndex` of plan(settings, image size) refined alone (its
    /// window through the VAE and the sampler, as pixel mode does it): the
    /// preview of the tile under the cursor. Returns the tile's area
    /// (plan.tiles.tiles()[i].area, clipped to the image).
    Image previewTile(const RefineSettings& settings, const Image& image, int tileIndex,
                      const CancelToken& cancel = {}, const ProgressSink& progress = {});

private:
    std::shared_ptr<CheckpointCache> m_cache;
};

/// The "parameters" text of a refinement.
std::string refineParameters(const RefineSettings& settings, const RefinePlan& plan);

} // namespace tessera

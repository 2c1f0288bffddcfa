#pragma once
/// The upscale model as the tiled runner sees it (internal to core/pipeline):
/// one description shared by planUpscale() and UpscaleJob, so that the plan
/// and the run are made from the same numbers.

#include "pipeline/upscale_plan.h"
#include "tiling/tile_model.h"
#include "tiling/tiled_runner.h"

namespace tessera {

/// Everything but the forward function: the output scale (the model's or the
/// settings'), input multiple, receptive radius (two more when the output is
/// resized with bicubic), estimated bytes per pixel, device and precision.
TileModel describeTileModel(const ModelInfo& model, const UpscaleSettings& settings);

/// The runner's options for these settings (tile size 0: automatic).
TiledOptions tiledOptionsFor(const UpscaleSettings& settings);

} // namespace tessera

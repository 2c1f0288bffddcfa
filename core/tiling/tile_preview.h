#pragma once
/// The live preview of one tile: its output exactly as the full run will
/// blend it, so a person tuning tile size, overlap and halo sees the seams a
/// too-small halo leaves before starting the run.

#include "common/cancel.h"
#include "image/image.h"
#include "tiling/blend.h"
#include "tiling/tile_model.h"
#include "tiling/tile_plan.h"
#include "tiling/tiled_runner.h"

namespace tessera {

/// How much of the preview to compute (each a little slower than the last).
enum class PreviewStage {
    Window,  ///< about 192 x 192 input pixels around the cursor, with the plan's halo
    Tile,    ///< the tile alone, cropped to its area
    Blended, ///< the tile blended with its neighbours exactly as the run does
};

struct TilePreview {
    TileRect outputRect; ///< where `pixels` lie in the full output (output pixels)
    Image pixels;        ///< outputRect.width x outputRect.height
    int tilesRun = 0;    ///< tiles inferred for it (the tile and its blending neighbours)
};

/// Runs tile `index` of `plan` and every neighbour whose blend region reaches
/// into its target area, and blends them over that area with the weights of
/// runTiled. `plan` must have been made for `image` and the model's scale and
/// input multiple. Throws Error(Cancelled) when `cancel` fires between tiles.
TilePreview previewTile(const Image& image, const TilePlan& plan, int index, const TileModel& model,
                        BlendRamp ramp, AlphaMode alpha, const CancelToken& cancel = {},
                        PreviewStage stage = PreviewStage::Blended, int cursorX = 0, int cursorY = 0);

} // namespace tessera

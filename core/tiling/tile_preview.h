#pragma once
/// The live preview of one tile, in stages that each come back fast enough to
/// paint (DESIGN.md, "Threads, progress, cancellation": latest wins):
/// 1. Window: a small window (about 192 x 192 input pixels) around the
///    cursor, with the plan's halo: about a second on a CPU, painted in place.
/// 2. Tile: the whole tile alone, cropped to its target area.
/// 3. Blended: the tile's area exactly as the full run blends it with its
///    neighbours, so a person tuning tile size, overlap and halo sees the
///    seams a too-small halo leaves before starting the run.
/// Where the tile's blend weight is 1 and the halo covers the model's
/// receptive radius, all three give the same pixels.

#include "common/cancel.h"
#include "image/image.h"
#include "tiling/blend.h"
#include "tiling/tile_model.h"
#include "tiling/tile_plan.h"
#include "tiling/tiled_runner.h"

namespace tessera {

enum class PreviewStage {
    Window,  ///< a window around the cursor, inside the tile's area; not blended
    Tile,    ///< the tile alone, cropped to its area; not blended
    Blended, ///< the tile's area blended with its neighbours like the full run
};

struct PreviewRequest {
    int tile = 0;                               ///< index in the plan
    PreviewStage stage = PreviewStage::Blended;
    int cursorX = 0;                            ///< Window: its centre (input pixels)
    int cursorY = 0;
    int windowSize = 192;                       ///< Window: its side (input pixels)
    BlendRamp ramp = BlendRamp::Smoothstep;     ///< Blended: the run's ramp
    AlphaMode alpha = AlphaMode::Resize;
    /// The input's NaN and infinities replaced by the rule of finite_rows.h
    /// first (on a copy), as TiledOptions::replaceNonFinite does for the run.
    bool replaceNonFinite = false;
};

struct TilePreview {
    TileRect outputRect; ///< where `pixels` lie in the full output (output pixels)
    Image pixels;        ///< outputRect.width x outputRect.height
    int tilesRun = 0;    ///< tiles (or windows) inferred for it
};

/// Runs one stage of the preview of tile `request.tile`. The Window is
/// `windowSize` square (smaller along a shorter tile), centred on the cursor
/// and moved inside the tile's area. `plan` must have been made for `image`
/// and the model's scale and input multiple (Error(InvalidArgument)
/// otherwise). Throws Error(Cancelled) when `cancel` fires between tiles.
TilePreview previewTile(const Image& image, const TilePlan& plan, const TileModel& model,
                        const PreviewRequest& request, const CancelToken& cancel = {});

} // namespace tessera

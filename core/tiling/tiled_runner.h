#pragma once
/// Tiled inference: runs a TileModel over an image of any size, tile by tile,
/// and hands the blended output to a RowSink band by band (see tile_plan.h for
/// the model of tiling: slicing, halo, inference, cropping, blending).
///
/// Memory is bounded by one band of tiles (input rows of one tile row plus
/// halo, output rows of one tile row), not by the image. The reconstruction
/// buffer and the weight buffer live on the model's device.

#include "common/cancel.h"
#include "common/progress.h"
#include "image/image.h"
#include "tiling/alpha_mode.h"
#include "tiling/blend.h"
#include "tiling/row_sink.h"
#include "tiling/row_source.h"
#include "tiling/tile_model.h"

#include <functional>
#include <string>
#include <vector>

namespace tessera {

struct TiledOptions {
    int tileSize = 0;  ///< S; 0 picks it from free memory and the image (autoTileSize)
    int overlap = -1;  ///< O; -1: 10% of S
    int halo = -1;     ///< P; -1: 32, or the model's receptive radius when smaller
    BlendRamp ramp = BlendRamp::Smoothstep;
    int batch = 1;     ///< tiles per forward call
    /// Devices the tiles are spread over (runTiled with several models sets
    /// it); the auto tile size gives each at least two tiles.
    int devices = 1;
    AlphaMode alpha = AlphaMode::Resize;
    /// Smallest tile side a split retry after out-of-memory may go down to.
    int minTileSize = 32;
    /// Output rows per hand-over to the sink (bounds the host copy).
    int sinkChunkRows = 128;
    /// The input's NaN and infinities replaced by the rule of finite_rows.h
    /// before the model (on a GPU after the upload, so that no pass over the
    /// rows sits on the host's path to the device), counted in
    /// TiledReport::nonFinitePixels.
    bool replaceNonFinite = false;
    /// Called as a tile's batch starts (for the GUI's tile states); optional.
    std::function<void(const Tile&)> tileStarted;
    /// Called with a finished tile's cropped output (its target area, before
    /// blending, at output size) so a GUI can show it in place; optional.
    std::function<void(const Tile&, const Image&)> tileFinished;
};

/// What a run did, for the user.
struct TiledReport {
    int tileSize = 0;        ///< S of the plan
    int overlap = 0;
    int halo = 0;
    int tiles = 0;           ///< tiles in the plan
    int smallestTileSize = 0;///< smallest side run after out-of-memory splits (= tileSize if none)
    int splitTiles = 0;      ///< plan tiles that were run in parts after out-of-memory
    /// Input pixels that had a NaN or infinite sample (TiledOptions::replaceNonFinite).
    int64_t nonFinitePixels = 0;
    std::vector<std::string> notes; ///< "auto tile size 512 (7.8 GB free)", "out of memory ..."
};

/// What the auto tile size needs to know; nothing is run to find it.
struct AutoTileInput {
    DeviceSpec device;         ///< its free memory (available RAM for the CPU) is the budget
    /// Peak memory per padded input pixel of one tile (an estimate from the
    /// model's architecture); 0 when unknown.
    int64_t bytesPerPixel = 0;
    int halo = 0;              ///< P of the plan
    int overlap = -1;          ///< O of the plan; -1: 10% of the tile size
    int width = 0;             ///< image size (input pixels)
    int height = 0;
    int inputMultiple = 1;     ///< padded sides round up to multiples of this
    int devices = 1;           ///< devices sharing the tiles: at least two tiles each
    /// Memory to plan with in bytes; -1 asks the device (or the system for the CPU).
    int64_t freeBytes = -1;
};

/// Auto tile size. The budget is half the free memory. With a known cost per pixel: when the whole padded image fits the
/// budget, max(width, height) (one tile: no halo or overlap is computed
/// twice); otherwise the design note's
/// table (recommendedTileSize), halved until a padded tile fits. With an
/// unknown cost (bytesPerPixel 0): the table alone. Then the size shrinks to
/// the smallest that needs no more tiles per side (balancedTileSize). Appends
/// a note saying why to `notes` when given.
int autoTileSize(const AutoTileInput& in, std::vector<std::string>* notes = nullptr);

/// The smallest tile side up to `size` that covers width x height in no more
/// tiles per side than `size` does, with `overlap` (-1: 10% of the side). A
/// 4096-pixel side in tiles of 2048 takes 3 tiles either way; at 1502 they
/// compute 1.3x the image's pixels instead of 2.2x.
int balancedTileSize(int size, int width, int height, int overlap);

/// The exact tile settings runTiled uses for this model, options and image
/// size: options.tileSize when > 0, else autoTileSize; options.halo when >= 0,
/// else defaultHalo(model.receptiveRadius); the model's scale and multiple.
/// A caller that plans first (the overlay, a job's plan()) and then runs with
/// tileSize = the result's tileSize gets the same plan: TilePlan(width,
/// height, resolveTileSettings(...)) is the run's plan.
TileSettings resolveTileSettings(const TileModel& model, const TiledOptions& options, int width,
                                 int height, std::vector<std::string>* notes = nullptr);

/// Runs `model` over `source`, tile by tile, writing to `sink`. On
/// out-of-memory the unfinished tiles are run in halves (recursively, down to
/// options.minTileSize) with the same plan and blending, so the image stays
/// the same. Checks `cancel` between batches (throws Error(Cancelled)) and
/// reports tiles done / total to `progress`. Throws Error(InvalidArgument) for
/// channel counts the model cannot take and Error(OutOfMemory) when even the
/// smallest tile does not fit.
TiledReport runTiled(RowSource& source, RowSink& sink, const TileModel& model,
                     const TiledOptions& options, const CancelToken& cancel = {},
                     const ProgressSink& progress = {});

/// runTiled over several devices: `models` are copies of one model, one per
/// device (two may share a device). Tiles go to whichever model is free, one
/// tile row ahead of the blending; the outputs are blended in plan order on
/// models[0]'s device, where the band, the writer and any out-of-memory
/// split retry live, so the image is the one a single model gives. One model
/// is runTiled above.
TiledReport runTiled(RowSource& source, RowSink& sink, const std::vector<TileModel>& models,
                     const TiledOptions& options, const CancelToken& cancel = {},
                     const ProgressSink& progress = {});

/// Convenience for images in memory: the upscaled image, with the input's
/// metadata carried over.
Image upscaleImage(const Image& image, const TileModel& model, const TiledOptions& options,
                   const CancelToken& cancel = {}, const ProgressSink& progress = {},
                   TiledReport* report = nullptr);

} // namespace tessera

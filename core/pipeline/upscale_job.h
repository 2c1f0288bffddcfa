#pragma once
/// The upscale job: the one place where the sequence load model -> place it on
/// the device -> see it as a tile function -> plan -> run tiles lives. The CLI,
/// the GUI's worker and the bench all call it; none repeats its steps.
///
/// A job keeps its model loaded between calls: changing tile settings reuses
/// it, a new model file, device or precision reloads or moves it. Not
/// thread-safe: one job belongs to the thread that runs it.

#include "common/cancel.h"
#include "common/progress.h"
#include "image/image.h"
#include "pipeline/upscale_plan.h"
#include "tiling/row_sink.h"
#include "tiling/row_source.h"
#include "tiling/tile_model.h"
#include "tiling/tile_preview.h"
#include "tiling/tiled_runner.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tessera {

class UpscaleModel;

/// Optional callbacks of a run (the GUI shows tiles as they start and finish).
struct UpscaleHooks {
    std::function<void(const Tile&)> tileStarted;
    /// A tile's cropped output (its area at output size, before blending).
    std::function<void(const Tile&, const Image&)> tileFinished;
    /// Called once after a run whose input had pixels that were NaN or
    /// infinite, with their count; they were replaced by the rule of
    /// tiling/finite_rows.h. Set it: nothing else reports them.
    std::function<void(int64_t pixels)> nonFinitePixels;
};

class UpscaleJob {
public:
    UpscaleJob();
    ~UpscaleJob();
    UpscaleJob(const UpscaleJob&) = delete;
    UpscaleJob& operator=(const UpscaleJob&) = delete;

    /// Loads settings.modelPath unless it is the loaded one, and places it on
    /// the settings' device and precision. Returns what the model is.
    /// Throws Error(Io / InvalidModel / UnsupportedModel) naming the file, and
    /// Error(InvalidArgument) when CUDA is asked for and absent.
    const ModelInfo& prepare(const UpscaleSettings& settings);

    /// The exact plan run() will work through for a width x height image.
    UpscalePlan plan(const UpscaleSettings& settings, int width, int height);

    /// Upscales `source` into `sink` with plan(settings, ...). Checks `cancel`
    /// between batches and, through a CancelScope, inside the model's forward
    /// (Error(Cancelled)); reports tiles to `progress`. Throws
    /// Error(InvalidModel) naming the model and the tile when the model's
    /// output is not finite.
    TiledReport run(const UpscaleSettings& settings, RowSource& source, RowSink& sink,
                    const CancelToken& cancel = {}, const ProgressSink& progress = {},
                    const UpscaleHooks& hooks = {});

    /// run() for an image in memory; the result carries the input's metadata.
    Image run(const UpscaleSettings& settings, const Image& image, const CancelToken& cancel = {},
              const ProgressSink& progress = {}, const UpscaleHooks& hooks = {},
              TiledReport* report = nullptr);

    /// Tile `tileIndex` of plan(settings, image size) as the run would give it,
    /// at `stage` (a window around `cursorX, cursorY` in image pixels, the
    /// tile alone, or blended with its neighbours).
    TilePreview preview(const UpscaleSettings& settings, const Image& image, int tileIndex,
                        PreviewStage stage, int cursorX, int cursorY, const CancelToken& cancel = {});

    /// The loaded model as the tiled runner sees it, at the settings' output
    /// scale (valid until the next prepare()).
    TileModel tileModel(const UpscaleSettings& settings);
    /// tileModel() and one tile function per device of settings.moreDevices,
    /// each over its own copy of the weights: what run() spreads tiles over.
    std::vector<TileModel> tileModels(const UpscaleSettings& settings);

private:
    std::unique_ptr<UpscaleModel> m_model;
    std::vector<std::unique_ptr<UpscaleModel>> m_copies; ///< on m_copyDevices, one each
    std::vector<DeviceSpec> m_copyDevices;
    std::string m_modelPath;
    DeviceSpec m_device;
    Precision m_precision = Precision::Fp32;
    bool m_placed = false;
};

} // namespace tessera

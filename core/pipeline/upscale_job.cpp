#include "pipeline/upscale_job.h"

#include "common/cancel_scope.h"
#include "common/error.h"
#include "common/torch_compat.h"
#include "models/upscale_model.h"
#include "pipeline/finite_pixels.h"
#include "pipeline/upscale_tile_model.h"

#include <algorithm>
#include <vector>

namespace tessera {

namespace {

/// Resizes each tile's output from the model's `native` scale to `scale`:
/// area averaging for whole-number reductions, bicubic otherwise. Both are
/// local, so the halo keeps tiles seamless.
/// x: [N, C, H, W] -> [N, C, H * scale, W * scale]
std::function<at::Tensor(const at::Tensor&)> resizedForward(std::function<at::Tensor(const at::Tensor&)> inner,
                                                            int native, int scale)
{
    return [inner = std::move(inner), native, scale](const at::Tensor& x) {
        // y: [N, C, H * native, W * native]
        at::Tensor y = inner(x);
        if (scale < native && native % scale == 0)
            return at::avg_pool2d(y, native / scale);
        return at::upsample_bicubic2d(y.to(at::kFloat), {x.size(2) * scale, x.size(3) * scale}, false);
    };
}

/// The plan tiles of the batch being run, so that an error about its output
/// can name them. The runner announces a batch's tiles (tileStarted), then
/// runs forwards for them (several after an out-of-memory split).
class RunningTiles {
public:
    void started(const Tile& tile)
    {
        if (m_ran)
            m_tiles.clear();
        m_ran = false;
        m_tiles.push_back(tile);
    }
    void ran() { m_ran = true; }

    /// "tile 3 (x 96, y 0, 32 x 32 px)", or "tiles 3, 4 (...)" for a batch.
    std::string describe() const
    {
        std::string text = m_tiles.size() == 1 ? "tile " : "tiles ";
        for (size_t i = 0; i < m_tiles.size(); ++i) {
            const TileRect& area = m_tiles[i].area;
            text += (i ? ", " : "") + std::to_string(m_tiles[i].index) + " (x " + std::to_string(area.x) + ", y "
                    + std::to_string(area.y) + ", " + std::to_string(area.width) + " x "
                    + std::to_string(area.height) + " px)";
        }
        return text;
    }

private:
    std::vector<Tile> m_tiles;
    bool m_ran = false;
};

/// `inner` refusing outputs that hold NaN or infinity: written out they would
/// be black. The model has already retried in fp32 when it ran in half
/// precision (model_loader.cpp, ncnn_model.cpp), and the input is finite
/// (FiniteRowSource), so what is left is the model's own overflow.
/// x: [N, C, H, W] -> the inner forward's output
std::function<at::Tensor(const at::Tensor&)> finiteForward(std::function<at::Tensor(const at::Tensor&)> inner,
                                                           std::string modelName, RunningTiles& running)
{
    return [inner = std::move(inner), modelName = std::move(modelName), &running](const at::Tensor& x) {
        at::Tensor y = inner(x);
        running.ran();
        if (!at::isfinite(y).all().item<bool>())
            throw Error(ErrorCode::InvalidModel, modelName + ": the model computes NaN or infinite values for "
                                                     + running.describe() + ", in fp32 as well");
        return y;
    };
}

} // namespace

UpscaleJob::UpscaleJob() = default;
UpscaleJob::~UpscaleJob() = default;

const ModelInfo& UpscaleJob::prepare(const UpscaleSettings& settings)
{
    if (settings.modelPath.empty())
        throw Error(ErrorCode::InvalidArgument, "no upscale model was chosen");
    useAllCoresOnThisThread();
    if (settings.device.kind == DeviceKind::Cuda && !cudaAvailable())
        throw Error(ErrorCode::InvalidArgument,
                    deviceName(settings.device) + ": CUDA is not available here (use the CPU)");
    if (!m_model || m_modelPath != settings.modelPath) {
        m_model.reset(); // free the old weights before loading the new ones
        m_model = loadUpscaleModel(settings.modelPath);
        m_modelPath = settings.modelPath;
        m_placed = false;
    }
    if (!m_placed || m_device != settings.device || m_precision != settings.precision) {
        m_model->to(settings.device, settings.precision);
        m_device = settings.device;
        m_precision = settings.precision;
        m_placed = true;
    }
    return m_model->info();
}

UpscalePlan UpscaleJob::plan(const UpscaleSettings& settings, int width, int height)
{
    return planUpscale(prepare(settings), settings, width, height);
}

TileModel UpscaleJob::tileModel(const UpscaleSettings& settings)
{
    const ModelInfo& info = prepare(settings);
    TileModel tile = describeTileModel(info, settings);
    UpscaleModel* model = m_model.get();
    // x: [N, inChannels, H, W] -> [N, outChannels, H * scale, W * scale]
    tile.forward = [model](const at::Tensor& x) { return model->forward(x); };
    if (tile.scale.num != info.scale)
        tile.forward = resizedForward(std::move(tile.forward), info.scale, tile.scale.num);
    return tile;
}

TiledReport UpscaleJob::run(const UpscaleSettings& settings, RowSource& source, RowSink& sink,
                            const CancelToken& cancel, const ProgressSink& progress, const UpscaleHooks& hooks)
{
    const CancelScope cancelScope(cancel); // the forwards poll it between layers
    const UpscalePlan planned = plan(settings, source.width(), source.height());
    RunningTiles running;
    TileModel model = tileModel(settings);
    model.forward = finiteForward(std::move(model.forward), m_model->info().name, running);
    TiledOptions options = tiledOptionsFor(resolvedSettings(settings, planned));
    options.tileStarted = [&](const Tile& tile) {
        running.started(tile);
        if (hooks.tileStarted)
            hooks.tileStarted(tile);
    };
    options.tileFinished = hooks.tileFinished;
    FiniteRowSource finite(source);
    TiledReport report = runTiled(finite, sink, model, options, cancel, progress);
    report.notes.insert(report.notes.begin(), planned.notes.begin(), planned.notes.end());
    if (finite.replacedPixels() > 0 && hooks.nonFinitePixels)
        hooks.nonFinitePixels(finite.replacedPixels());
    return report;
}

Image UpscaleJob::run(const UpscaleSettings& settings, const Image& image, const CancelToken& cancel,
                      const ProgressSink& progress, const UpscaleHooks& hooks, TiledReport* report)
{
    ImageRowSource source(image);
    ImageRowSink sink;
    const TiledReport result = run(settings, source, sink, cancel, progress, hooks);
    if (report)
        *report = result;
    Image output = sink.take();
    output.metadata() = image.metadata();
    return output;
}

TilePreview UpscaleJob::preview(const UpscaleSettings& settings, const Image& image, int tileIndex,
                                PreviewStage stage, int cursorX, int cursorY, const CancelToken& cancel)
{
    const CancelScope cancelScope(cancel); // the forwards poll it between layers
    const UpscalePlan planned = plan(settings, image.width(), image.height());
    const TileModel model = tileModel(settings);
    PreviewRequest request;
    request.tile = tileIndex;
    request.stage = stage;
    request.cursorX = cursorX;
    request.cursorY = cursorY;
    request.ramp = settings.blend;
    request.alpha = settings.alpha;
    return previewTile(image, planned.tiles, model, request, cancel);
}

} // namespace tessera

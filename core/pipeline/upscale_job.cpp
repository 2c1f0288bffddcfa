#include "pipeline/upscale_job.h"

#include "common/error.h"
#include "common/torch_compat.h"
#include "models/upscale_model.h"
#include "pipeline/upscale_tile_model.h"

#include <algorithm>

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
    const UpscalePlan planned = plan(settings, source.width(), source.height());
    const TileModel model = tileModel(settings);
    TiledOptions options = tiledOptionsFor(resolvedSettings(settings, planned));
    options.tileStarted = hooks.tileStarted;
    options.tileFinished = hooks.tileFinished;
    TiledReport report = runTiled(source, sink, model, options, cancel, progress);
    report.notes.insert(report.notes.begin(), planned.notes.begin(), planned.notes.end());
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

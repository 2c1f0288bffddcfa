#include "pipeline/upscale_job.h"

#include "common/error.h"
#include "common/torch_compat.h"
#include "models/upscale_model.h"

#include <algorithm>

namespace tessera {

namespace {

/// Changes a tile function's output scale to `scale` by resizing each tile's
/// output: area averaging for whole-number reductions, bicubic otherwise.
/// Both are local, so the halo keeps tiles seamless.
TileModel withOutputScale(TileModel model, int scale)
{
    if (scale == model.scale)
        return model;
    const int native = model.scale;
    auto inner = model.forward;
    model.forward = [inner, native, scale](const at::Tensor& x) {
        // y: [N, C, H * native, W * native] -> [N, C, H * scale, W * scale]
        at::Tensor y = inner(x);
        if (scale < native && native % scale == 0)
            return at::avg_pool2d(y, native / scale);
        return at::upsample_bicubic2d(y.to(at::kFloat), {x.size(2) * scale, x.size(3) * scale}, false);
    };
    model.scale = scale;
    if (model.receptiveRadius >= 0)
        model.receptiveRadius += 2; // bicubic reaches two input pixels further
    return model;
}

} // namespace

UpscaleJob::UpscaleJob() = default;
UpscaleJob::~UpscaleJob() = default;

const ModelInfo& UpscaleJob::prepare(const UpscaleSettings& settings)
{
    if (settings.modelPath.empty())
        throw Error(ErrorCode::InvalidArgument, "no upscale model was chosen");
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
    TileModel tile;
    tile.scale = info.scale;
    tile.inputMultiple = std::max(1, info.inputMultiple);
    tile.inChannels = info.inChannels;
    tile.outChannels = info.outChannels;
    tile.receptiveRadius = info.receptiveRadius;
    tile.device = settings.device;
    tile.precision = Precision::Fp32; // tiles travel as float32; the model casts on the device
    UpscaleModel* model = m_model.get();
    // x: [N, inChannels, H, W] -> [N, outChannels, H * scale, W * scale]
    tile.forward = [model](const at::Tensor& x) { return model->forward(x); };
    if (settings.outputScale > 0)
        tile = withOutputScale(std::move(tile), settings.outputScale);
    tile.bytesPerPixel = estimateBytesPerPixel(info, settings.precision, tile.scale);
    return tile;
}

TiledOptions UpscaleJob::tiledOptions(const UpscaleSettings& settings, const UpscalePlan& plan,
                                      const UpscaleHooks& hooks) const
{
    TiledOptions options;
    options.tileSize = plan.tiles.settings().tileSize;
    options.overlap = plan.tiles.settings().overlap;
    options.halo = plan.tiles.settings().halo;
    options.ramp = settings.blend;
    options.batch = settings.batch;
    options.alpha = settings.alpha;
    options.tileStarted = hooks.tileStarted;
    options.tileFinished = hooks.tileFinished;
    return options;
}

TiledReport UpscaleJob::run(const UpscaleSettings& settings, RowSource& source, RowSink& sink,
                            const CancelToken& cancel, const ProgressSink& progress, const UpscaleHooks& hooks)
{
    const UpscalePlan planned = plan(settings, source.width(), source.height());
    const TileModel model = tileModel(settings);
    TiledReport report = runTiled(source, sink, model, tiledOptions(settings, planned, hooks), cancel, progress);
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
    return previewTile(image, planned.tiles, tileIndex, model, settings.blend, settings.alpha, cancel, stage,
                       cursorX, cursorY);
}

} // namespace tessera

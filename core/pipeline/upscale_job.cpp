#include "pipeline/upscale_job.h"

#include "common/cancel_scope.h"
#include "common/convolution_format.h"
#include "common/error.h"
#include "common/torch_compat.h"
#include "models/bias_activation.h"
#include "models/upscale_model.h"
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

/// The tile function of a loaded model at the settings' output scale.
TileModel tileModelOf(UpscaleModel* model, const ModelInfo& info, const UpscaleSettings& settings,
                      const DeviceSpec& device)
{
    UpscaleSettings onDevice = settings;
    onDevice.device = device;
    TileModel tile = describeTileModel(info, onDevice);
    // x: [N, inChannels, H, W] -> [N, outChannels, H * scale, W * scale]
    tile.forward = [model](const at::Tensor& x) { return model->forward(x); };
    if (tile.scale.num != info.scale)
        tile.forward = resizedForward(std::move(tile.forward), info.scale, tile.scale.num);
    return tile;
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
        m_copies.clear();
        m_copyDevices.clear();
        m_model = loadUpscaleModel(settings.modelPath);
        m_modelPath = settings.modelPath;
        m_placed = false;
    }
    for (const DeviceSpec& device : settings.moreDevices) {
        if (device.kind != DeviceKind::Cuda || settings.device.kind != DeviceKind::Cuda)
            throw Error(ErrorCode::InvalidArgument, "tiles are spread over several CUDA devices only, not the CPU");
        if (device.index >= cudaDeviceCount())
            throw Error(ErrorCode::InvalidArgument, deviceName(device) + ": there are "
                                                        + std::to_string(cudaDeviceCount()) + " CUDA devices here");
    }
    if (!m_placed || m_device != settings.device || m_precision != settings.precision) {
        m_model->to(settings.device, settings.precision);
        m_device = settings.device;
        m_precision = settings.precision;
        m_placed = true;
        m_copies.clear();
        m_copyDevices.clear();
    }
    if (m_copyDevices != settings.moreDevices) {
        // One copy of the weights per further device, loaded from the file
        // again (a model is placed on one device).
        m_copies.clear();
        m_copyDevices.clear();
        for (const DeviceSpec& device : settings.moreDevices) {
            std::unique_ptr<UpscaleModel> copy = loadUpscaleModel(settings.modelPath);
            copy->to(device, settings.precision);
            m_copies.push_back(std::move(copy));
        }
        m_copyDevices = settings.moreDevices;
        // Placing a model turned autotuning on; several devices must choose
        // the same convolution kernels so that the image is one device's.
        if (settings.device.kind == DeviceKind::Cuda)
            setConvolutionAutotuning(m_copyDevices.empty());
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
    return tileModelOf(m_model.get(), info, settings, settings.device);
}

std::vector<TileModel> UpscaleJob::tileModels(const UpscaleSettings& settings)
{
    std::vector<TileModel> models{tileModel(settings)};
    for (size_t i = 0; i < m_copies.size(); ++i)
        models.push_back(tileModelOf(m_copies[i].get(), m_model->info(), settings, m_copyDevices[i]));
    return models;
}

TiledReport UpscaleJob::run(const UpscaleSettings& settings, RowSource& source, RowSink& sink,
                            const CancelToken& cancel, const ProgressSink& progress, const UpscaleHooks& hooks)
{
    const CancelScope cancelScope(cancel); // the forwards poll it between layers
    const UpscalePlan planned = plan(settings, source.width(), source.height());
    // Each model's forward refuses non-finite outputs itself (models/finite_output.h).
    const std::vector<TileModel> models = tileModels(settings);
    TiledOptions options = tiledOptionsFor(resolvedSettings(settings, planned));
    options.tileStarted = hooks.tileStarted;
    options.tileFinished = hooks.tileFinished;
    options.replaceNonFinite = true;
    TiledReport report = runTiled(source, sink, models, options, cancel, progress);
    report.notes.insert(report.notes.begin(), planned.notes.begin(), planned.notes.end());
    if (report.nonFinitePixels > 0 && hooks.nonFinitePixels)
        hooks.nonFinitePixels(report.nonFinitePixels);
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
    // A preview is one tile, often at a size no run has used: it takes the
    // cuDNN plans there are and builds none (seconds, for one forward).
    const ConvolutionPlansFrozen noNewPlans;
    const UpscalePlan planned = plan(settings, image.width(), image.height());
    const TileModel model = tileModel(settings);
    PreviewRequest request;
    request.tile = tileIndex;
    request.stage = stage;
    request.cursorX = cursorX;
    request.cursorY = cursorY;
    request.ramp = settings.blend;
    request.alpha = settings.alpha;
    request.replaceNonFinite = true; // as run() does
    return previewTile(image, planned.tiles, model, request, cancel);
}

} // namespace tessera

// LibTorch headers first: Qt's `slots` / `signals` macros break them when
// they come after a Qt header.
#include "common/error.h"
#include "common/progress.h"
#include "models/upscale_model.h"
#include "pipeline/upscale_job.h"
#include "tiling/tile_plan.h"
#include "tiling/tile_preview.h"
#include "tiling/tiled_runner.h"

#include "bridge/engine_worker.h"
#include "display/display_image.h"

#include <QElapsedTimer>

namespace tessera {

namespace {

/// The tile settings of the panel for this model (the same plan the overlay draws).
TileSettings tileSettingsFor(const UpscaleSettings& settings, const TileModel& model)
{
    TileSettings tiles;
    tiles.tileSize = settings.tileSize;
    tiles.overlap = settings.overlap;
    tiles.halo = settings.halo;
    tiles.scale = model.scale;
    tiles.inputMultiple = model.inputMultiple;
    return tiles;
}

/// The model as the tiled runner sees it, at the panel's output scale.
TileModel tileModelFor(UpscaleModel& model, const UpscaleSettings& settings)
{
    TileModel tile = tessera::tileModelFor(model, parseDevice(settings.device.toStdString()));
    return settings.outputScale > 0 ? withOutputScale(std::move(tile), settings.outputScale) : tile;
}

} // namespace

EngineWorker::EngineWorker() = default;
EngineWorker::~EngineWorker() = default;

void EngineWorker::setImage(std::shared_ptr<const Image> image)
{
    m_image = std::move(image);
}

UpscaleModel& EngineWorker::model(const UpscaleSettings& settings)
{
    if (!m_model || m_modelPath != settings.modelPath) {
        m_model.reset();
        m_model = loadUpscaleModel(settings.modelPath.toStdString());
        m_modelPath = settings.modelPath;
        m_modelDevice.clear();
    }
    if (m_modelDevice != settings.device || m_modelPrecision != settings.precision) {
        m_model->to(parseDevice(settings.device.toStdString()), parsePrecision(settings.precision.toStdString()));
        m_modelDevice = settings.device;
        m_modelPrecision = settings.precision;
    }
    return *m_model;
}

void EngineWorker::runPreview(quint64 id, UpscaleSettings settings, int tileIndex, CancelToken cancel)
{
    // A newer request already cancelled this one while it waited in the queue.
    if (cancel.isCancelled() || !m_image)
        return;
    try {
        UpscaleModel& upscaler = model(settings);
        const TileModel tileModel = tileModelFor(upscaler, settings);
        const TilePlan plan(m_image->width(), m_image->height(), tileSettingsFor(settings, tileModel));
        if (tileIndex < 0 || tileIndex >= plan.tileCount())
            return;
        QElapsedTimer timer;
        timer.start();
        PreviewRequest request;
        request.tile = tileIndex;
        request.ramp = parseBlendRamp(settings.blend.toStdString());
        const TilePreview preview = previewTile(*m_image, plan, tileModel, request, cancel);
        cancel.throwIfCancelled();
        if (preview.tilesRun > 0)
            emit tileTimeMeasured(timer.elapsed() / 1000.0 / preview.tilesRun);
        const TileRect& r = preview.outputRect;
        emit previewReady(id, QRect(r.x, r.y, r.width, r.height), toDisplayImage(preview.pixels));
    } catch (const Error& error) {
        if (error.code() != ErrorCode::Cancelled)
            emit previewFailed(id, QString::fromStdString(error.what()));
    } catch (const std::exception& error) {
        emit previewFailed(id, QString::fromStdString(error.what()));
    }
}

void EngineWorker::runFull(UpscaleSettings settings, CancelToken cancel)
{
    if (!m_image) {
        emit runFailed(QStringLiteral("no image is open"));
        return;
    }
    try {
        UpscaleModel& upscaler = model(settings);
        const TileModel tileModel = tileModelFor(upscaler, settings);
        const TileSettings tiles = tileSettingsFor(settings, tileModel);
        const TilePlan plan(m_image->width(), m_image->height(), tiles);
        emit runStarted(plan.tileCount());

        TiledOptions options;
        options.tileSize = tiles.tileSize;
        options.overlap = tiles.overlap;
        options.halo = tiles.halo;
        options.ramp = parseBlendRamp(settings.blend.toStdString());
        options.tileStarted = [this](const Tile& tile) { emit tileStarted(tile.index); };
        options.tileFinished = [this, &plan](const Tile& tile, const Image& pixels) {
            const TileRect r = plan.toOutput(tile.area);
            emit tileFinished(tile.index, QRect(r.x, r.y, r.width, r.height), toDisplayImage(pixels));
        };
        // Progress crosses threads at most about 30 times a second.
        QElapsedTimer throttle;
        throttle.start();
        const ProgressSink progress = [&](const Progress& p) {
            if (p.done == p.total || throttle.elapsed() >= 33) {
                throttle.restart();
                emit runProgress(int(p.done), int(p.total), p.etaSeconds);
            }
        };
        TiledReport report;
        Image output = upscaleImage(*m_image, tileModel, options, cancel, progress, &report);
        QStringList notes;
        for (const std::string& note : report.notes)
            notes << QString::fromStdString(note);
        emit runFinished(std::make_shared<Image>(std::move(output)), notes.join(QLatin1Char('\n')));
    } catch (const Error& error) {
        if (error.code() == ErrorCode::Cancelled)
            emit runCancelled();
        else
            emit runFailed(QString::fromStdString(error.what()));
    } catch (const std::exception& error) {
        emit runFailed(QString::fromStdString(error.what()));
    }
}

} // namespace tessera

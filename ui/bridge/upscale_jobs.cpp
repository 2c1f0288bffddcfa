// LibTorch headers first: Qt's `slots` / `signals` macros break them when
// they come after a Qt header.
#include "bridge/engine_context.h"
#include "common/error.h"

#include "bridge/upscale_jobs.h"
#include "display/display_image.h"

#include <QElapsedTimer>

namespace tessera {

namespace {

QRect toQRect(const TileRect& r)
{
    return QRect(r.x, r.y, r.width, r.height);
}

} // namespace

UpscaleRunJob::UpscaleRunJob(UpscaleSettings settings, std::shared_ptr<const Image> image)
    : m_settings(std::move(settings)), m_image(std::move(image))
{
}

void UpscaleRunJob::run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter)
{
    if (!m_image)
        throw Error(ErrorCode::InvalidArgument, "no image is open");
    const UpscalePlan plan = context.upscale.plan(m_settings, m_image->width(), m_image->height());
    UpscaleHooks hooks;
    hooks.tileStarted = [&](const Tile& tile) {
        JobPartial partial;
        partial.kind = JobPartial::Kind::TileStarted;
        partial.tileIndex = tile.index;
        reporter.partial(partial);
    };
    hooks.tileFinished = [&](const Tile& tile, const Image& pixels) {
        JobPartial partial;
        partial.kind = JobPartial::Kind::TileFinished;
        partial.tileIndex = tile.index;
        partial.outputRect = toQRect(plan.tiles.toOutput(tile.area));
        partial.pixels = toDisplayImage(pixels);
        reporter.partial(partial);
    };
    const ProgressSink progress = [&](const Progress& p) {
        reporter.progress(JobProgress{int(p.done), int(p.total), p.etaSeconds, QString::fromStdString(p.stage)});
    };
    TiledReport report;
    m_result = std::make_shared<Image>(context.upscale.run(m_settings, *m_image, cancel, progress, hooks, &report));
    for (const std::string& note : report.notes)
        m_notes << QString::fromStdString(note);
}

UpscalePreviewJob::UpscalePreviewJob(UpscaleSettings settings, std::shared_ptr<const Image> image, int tileIndex,
                                     QPoint cursor)
    : m_settings(std::move(settings)), m_image(std::move(image)), m_tileIndex(tileIndex), m_cursor(cursor)
{
}

void UpscalePreviewJob::run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter)
{
    if (!m_image)
        return;
    const UpscalePlan plan = context.upscale.plan(m_settings, m_image->width(), m_image->height());
    if (m_tileIndex < 0 || m_tileIndex >= plan.tiles.tileCount())
        return;
    const PreviewStage stages[] = {PreviewStage::Window, PreviewStage::Tile, PreviewStage::Blended};
    for (int stage = 0; stage < 3; ++stage) {
        cancel.throwIfCancelled();
        QElapsedTimer timer;
        timer.start();
        const TilePreview preview = context.upscale.preview(m_settings, *m_image, m_tileIndex, stages[stage],
                                                            m_cursor.x(), m_cursor.y(), cancel);
        if (stages[stage] == PreviewStage::Tile) {
            const double padded = double(plan.tiles.paddedWidth()) * plan.tiles.paddedHeight();
            m_secondsPerPixel = timer.nsecsElapsed() * 1e-9 / padded;
        }
        JobPartial partial;
        partial.kind = JobPartial::Kind::Preview;
        partial.tileIndex = m_tileIndex;
        partial.stage = stage;
        partial.outputRect = toQRect(preview.outputRect);
        partial.pixels = toDisplayImage(preview.pixels);
        reporter.partial(partial);
    }
}

void LoadModelJob::run(EngineContext& context, const CancelToken&, JobReporter&)
{
    m_info = context.upscale.prepare(m_settings);
}

} // namespace tessera

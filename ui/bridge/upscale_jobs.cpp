// LibTorch headers first: Qt's `slots` / `signals` macros break them when
// they come after a Qt header.
#include "bridge/engine_context.h"
#include "common/error.h"
#include "pipeline/finite_pixels.h"

#include "bridge/upscale_jobs.h"
#include "display/display_image.h"

#include <QElapsedTimer>

#include <vector>

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
    hooks.nonFinitePixels = [&](int64_t pixels) {
        m_notes << QString::fromStdString(nonFinitePixelsSentence(pixels));
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
    // Stages that would only repeat the previous one are left out: the window
    // when the tile is no larger, the blend when no neighbour reaches in.
    const TileRect& area = plan.tiles.tiles()[size_t(m_tileIndex)].area;
    const int window = PreviewRequest{}.windowSize;
    std::vector<PreviewStage> stages;
    if (area.width > window || area.height > window)
        stages.push_back(PreviewStage::Window);
    stages.push_back(PreviewStage::Tile);
    if (plan.tiles.tileCount() > 1)
        stages.push_back(PreviewStage::Blended);
    for (size_t i = 0; i < stages.size(); ++i) {
        cancel.throwIfCancelled();
        QElapsedTimer timer;
        timer.start();
        const TilePreview preview = context.upscale.preview(m_settings, *m_image, m_tileIndex, stages[i],
                                                            m_cursor.x(), m_cursor.y(), cancel);
        if (stages[i] == PreviewStage::Tile) {
            const double padded = double(plan.tiles.paddedWidth()) * plan.tiles.paddedHeight();
            m_secondsPerPixel = timer.nsecsElapsed() * 1e-9 / padded;
        }
        JobPartial partial;
        partial.kind = JobPartial::Kind::Preview;
        partial.tileIndex = m_tileIndex;
        partial.stage = int(stages[i]);
        partial.last = i + 1 == stages.size();
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

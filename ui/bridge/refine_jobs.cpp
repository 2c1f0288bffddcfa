// LibTorch headers first: Qt's `slots` / `signals` macros break them when
// they come after a Qt header.
#include "bridge/engine_context.h"
#include "common/error.h"
#include "diffusion/samplers/sampler_registry.h"
#include "diffusion/sampling/schedulers.h"

#include "bridge/refine_jobs.h"
#include "display/display_image.h"

namespace tessera {

namespace {

QStringList toQStringList(const std::vector<std::string>& names)
{
    QStringList list;
    for (const std::string& name : names)
        list << QString::fromStdString(name);
    return list;
}

/// Passes core's progress on with its stage text.
ProgressSink forwardProgress(JobReporter& reporter)
{
    return [&reporter](const Progress& p) {
        reporter.progress(JobProgress{int(p.done), int(p.total), p.etaSeconds, QString::fromStdString(p.stage)});
    };
}

/// Marks each tile as it starts, so the overlay shows where the run is.
RefineHooks reportTileStarts(JobReporter& reporter)
{
    RefineHooks hooks;
    hooks.tileStarted = [&reporter](const Tile& tile) {
        JobPartial partial;
        partial.kind = JobPartial::Kind::TileStarted;
        partial.tileIndex = tile.index;
        reporter.partial(partial);
    };
    return hooks;
}

} // namespace

QStringList diffusionSamplerNames()
{
    return toQStringList(sd::samplerNames());
}

QStringList diffusionSchedulerNames()
{
    return toQStringList(sd::schedulerNames());
}

void RefinePlanJob::run(EngineContext& context, const CancelToken&, JobReporter&)
{
    const RefinePlan plan = context.refine.plan(m_settings, m_width, m_height);
    m_tiles = plan.tiles;
    m_units = plan.units();
    for (const std::string& note : plan.notes)
        m_notes << QString::fromStdString(note);
}

void RefineRunJob::run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter)
{
    if (!m_image)
        throw Error(ErrorCode::InvalidArgument, "no image is open");
    m_result = std::make_shared<Image>(
        context.refine.run(m_settings, *m_image, cancel, forwardProgress(reporter), reportTileStarts(reporter)));
}

void RefinePreviewJob::run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter)
{
    if (!m_image)
        return;
    const RefinePlan plan = context.refine.plan(m_settings, m_image->width(), m_image->height());
    if (m_tileIndex < 0 || m_tileIndex >= plan.tiles.tileCount())
        return;
    const Image refined = context.refine.previewTile(m_settings, *m_image, m_tileIndex, cancel, forwardProgress(reporter));
    const TileRect area = plan.tiles.tiles()[size_t(m_tileIndex)].area;
    // previewTile returns the area clipped to the image; the area starts inside it.
    m_area = QRect(area.x, area.y, refined.width(), refined.height());
    m_pixels = toDisplayImage(refined);
    JobPartial partial;
    partial.kind = JobPartial::Kind::Preview;
    partial.tileIndex = m_tileIndex;
    partial.last = true;
    partial.outputRect = m_area;
    partial.pixels = m_pixels;
    reporter.partial(partial);
}

void WorkflowRunJob::run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter)
{
    WorkflowResult result =
        context.workflow.run(m_settings, m_start.get(), cancel, forwardProgress(reporter), reportTileStarts(reporter));
    m_refined = std::make_shared<Image>(std::move(result.refined));
    m_upscaled = std::make_shared<Image>(std::move(result.upscaled));
}

} // namespace tessera

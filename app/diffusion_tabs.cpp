#include "diffusion_tabs.h"

#include "time_text.h"

#include "bridge/engine_controller.h"
#include "bridge/refine_jobs.h"
#include "panels/refine_panel.h"
#include "panels/workflow_panel.h"
#include "views/image_view.h"
#include "views/tile_overlay.h"

namespace tessera {

namespace {

const QString kPlanChannel = QStringLiteral("refine-plan");
const QString kPreviewChannel = QStringLiteral("refine-preview");
constexpr int kRefinePreviewPatch = -2; ///< patch key of the refined tile under the cursor

template <typename Job>
std::shared_ptr<Job> jobAs(const EngineJobPtr& job)
{
    return std::dynamic_pointer_cast<Job>(job);
}

} // namespace

DiffusionTabs::DiffusionTabs(EngineController* engine, ImageView* view, TileOverlay* overlay, QObject* parent)
    : QObject(parent), m_engine(engine), m_view(view), m_overlay(overlay)
{
    m_refinePanel = new RefinePanel(diffusionSamplerNames(), diffusionSchedulerNames());
    m_workflowPanel = new WorkflowPanel;
    // A diffusion preview takes seconds: wait until the cursor rests on a tile.
    m_previewTimer.setSingleShot(true);
    m_previewTimer.setInterval(400);
    connect(&m_previewTimer, &QTimer::timeout, this, &DiffusionTabs::requestPreview);
    connect(m_refinePanel, &RefinePanel::settingsChanged, this, &DiffusionTabs::updatePlan);
    connect(m_refinePanel, &RefinePanel::livePreviewToggled, this, &DiffusionTabs::hoveredTileChanged);
    connect(m_refinePanel, &RefinePanel::cancelRequested, this, &DiffusionTabs::cancelRun);
    connect(m_workflowPanel, &WorkflowPanel::cancelRequested, this, &DiffusionTabs::cancelRun);
    connectEngine();
}

void DiffusionTabs::connectEngine()
{
    connect(m_engine, &EngineController::jobPartial, this, [this](quint64 id, JobPartial partial) {
        if (partial.kind == JobPartial::Kind::Preview && id == m_engine->latestOf(kPreviewChannel)) {
            m_view->setPatch(kRefinePreviewPatch, QRectF(partial.outputRect), partial.pixels);
            if (m_overlay->tileState(partial.tileIndex) == TileState::Running)
                m_overlay->setTileState(partial.tileIndex, TileState::Pending);
        } else if (partial.kind == JobPartial::Kind::TileStarted && id == m_runId && !m_runIsWorkflow) {
            markTileStarted(partial.tileIndex);
        }
    });
    connect(m_engine, &EngineController::jobProgress, this, [this](quint64 id, JobProgress p) {
        if (id != m_runId)
            return;
        const QString eta = formatTimeLeft(p.etaSeconds);
        if (m_runIsWorkflow)
            m_workflowPanel->setProgress(p.done, p.total, p.stage, eta);
        else
            m_refinePanel->setProgress(p.done, p.total, p.stage, eta);
    });
    connect(m_engine, &EngineController::jobFinished, this, [this](quint64 id, EngineJobPtr job) {
        if (auto plan = jobAs<RefinePlanJob>(job); plan && id == m_engine->latestOf(kPlanChannel)) {
            if (!m_refineActive || isRunning())
                return;
            m_plan = plan->tiles();
            m_overlay->setPlan(m_plan);
            QString text = tr("%n tile(s) (%1 × %2); a run takes %3 tile steps", nullptr, m_plan.tileCount())
                               .arg(m_plan.columns())
                               .arg(m_plan.rows())
                               .arg(plan->units());
            for (const QString& note : plan->notes())
                text += QLatin1Char('\n') + note;
            m_refinePanel->setPlanSummary(text);
        } else if (auto run = jobAs<RefineRunJob>(job); run && id == m_runId) {
            endRun();
            emit resultReady(run->result(), nullptr,
                             tr("Refined %1 × %2.").arg(run->result()->width()).arg(run->result()->height()));
        } else if (auto workflow = jobAs<WorkflowRunJob>(job); workflow && id == m_runId) {
            endRun();
            emit resultReady(workflow->refined(), workflow->upscaled(),
                             tr("Workflow done: %1 × %2, compared with the upscaled image.")
                                 .arg(workflow->refined()->width())
                                 .arg(workflow->refined()->height()));
        }
    });
    connect(m_engine, &EngineController::jobFailed, this, [this](quint64 id, QString message) {
        if (id == m_engine->latestOf(kPlanChannel) && m_refineActive && !isRunning()) {
            m_plan = TilePlan();
            m_overlay->setPlan(m_plan);
            m_refinePanel->setPlanSummary(message);
        } else if (id == m_engine->latestOf(kPreviewChannel)) {
            for (int i = 0; i < m_plan.tileCount(); ++i)
                if (m_overlay->tileState(i) == TileState::Running)
                    m_overlay->setTileState(i, TileState::Pending);
            emit previewFailed(message);
        } else if (id == m_runId) {
            endRun();
            emit runFailed(m_runIsWorkflow ? tr("Workflow failed") : tr("Refine failed"), message);
        }
    });
    connect(m_engine, &EngineController::jobCancelled, this, [this](quint64 id) {
        if (id != m_runId)
            return;
        endRun();
        emit runFailed(tr("Cancelled"), QString());
    });
}

bool DiffusionTabs::handles(quint64 id) const
{
    return id != 0
           && (id == m_runId || id == m_engine->latestOf(kPlanChannel) || id == m_engine->latestOf(kPreviewChannel));
}

void DiffusionTabs::setModels(const std::vector<ModelListing>& listing)
{
    m_refinePanel->setModels(listing);
    m_workflowPanel->setModels(listing);
}

void DiffusionTabs::setDevices(const QStringList& devices)
{
    m_refinePanel->setDevices(devices);
    m_workflowPanel->setDevices(devices);
}

void DiffusionTabs::setImage(std::shared_ptr<const Image> image)
{
    m_image = std::move(image);
    updatePlan();
}

void DiffusionTabs::setRefineActive(bool active)
{
    if (m_refineActive == active)
        return;
    m_refineActive = active;
    m_engine->cancelChannel(kPreviewChannel);
    m_previewTimer.stop();
    updatePlan();
}

void DiffusionTabs::updatePlan()
{
    if (!m_refineActive || isRunning())
        return; // a run keeps the plan it works through; its end re-plans
    m_view->clearPatches();
    m_engine->cancelChannel(kPreviewChannel);
    const RefineSettings settings = m_refinePanel->settings();
    if (!m_image || settings.checkpoint.empty()) {
        m_engine->cancelChannel(kPlanChannel);
        m_plan = TilePlan();
        m_overlay->setPlan(m_plan);
        m_refinePanel->setPlanSummary(!m_image ? tr("Open an image to see its tiles.")
                                               : tr("No Stable Diffusion checkpoint was found in the models folder."));
        return;
    }
    m_engine->submit(std::make_shared<RefinePlanJob>(settings, m_image->width(), m_image->height()));
}

void DiffusionTabs::hoveredTileChanged()
{
    m_previewTimer.stop();
    m_engine->cancelChannel(kPreviewChannel);
    m_view->clearPatches();
    if (!m_refineActive || isRunning())
        return;
    for (int i = 0; i < m_plan.tileCount(); ++i)
        if (m_overlay->tileState(i) == TileState::Running)
            m_overlay->setTileState(i, TileState::Pending);
    if (m_refinePanel->livePreview() && m_overlay->hoveredTile() >= 0)
        m_previewTimer.start();
}

void DiffusionTabs::requestPreview()
{
    const int tile = m_overlay->hoveredTile();
    if (!m_image || !m_refineActive || isRunning() || m_view->isComparing() || !m_refinePanel->livePreview()
        || tile < 0 || tile >= m_plan.tileCount())
        return;
    m_overlay->setTileState(tile, TileState::Running);
    m_engine->submit(std::make_shared<RefinePreviewJob>(m_refinePanel->settings(), m_image, tile));
}

void DiffusionTabs::startRefine()
{
    if (isRunning())
        return;
    if (!m_image) {
        emit runFailed(tr("No image"), tr("Open an image to refine first."));
        return;
    }
    const RefineSettings settings = m_refinePanel->settings();
    if (settings.checkpoint.empty()) {
        emit runFailed(tr("No checkpoint"), tr("Put a Stable Diffusion checkpoint in the models folder."));
        return;
    }
    m_previewTimer.stop();
    m_engine->cancelChannel(kPreviewChannel);
    m_view->clearPatches();
    m_overlay->resetStates();
    m_runIsWorkflow = false;
    m_refinePanel->setRunning(true);
    m_runId = m_engine->submit(std::make_shared<RefineRunJob>(settings, m_image));
    emit runStarted();
}

void DiffusionTabs::startWorkflow()
{
    if (isRunning())
        return;
    const WorkflowSettings settings = m_workflowPanel->settings();
    const bool fromImage = m_workflowPanel->startFromImage();
    if (fromImage && !m_image) {
        emit runFailed(tr("No image"), tr("Open an image to start the workflow from, or start from the prompt."));
        return;
    }
    if (settings.generation.checkpoint.empty()) {
        emit runFailed(tr("No checkpoint"), tr("Put a Stable Diffusion checkpoint in the models folder."));
        return;
    }
    m_engine->cancelChannel(kPreviewChannel);
    m_runIsWorkflow = true;
    m_workflowPanel->setRunning(true);
    m_runId = m_engine->submit(std::make_shared<WorkflowRunJob>(settings, fromImage ? m_image : nullptr));
    emit runStarted();
}

void DiffusionTabs::cancelRun()
{
    if (m_runId)
        m_engine->cancel(m_runId);
}

void DiffusionTabs::markTileStarted(int tileIndex)
{
    if (m_runningTile >= 0 && m_runningTile != tileIndex)
        m_overlay->setTileState(m_runningTile, TileState::Done);
    m_runningTile = tileIndex;
    m_overlay->setTileState(tileIndex, TileState::Running);
}

void DiffusionTabs::endRun()
{
    m_runId = 0;
    m_runningTile = -1;
    m_refinePanel->setRunning(false);
    m_workflowPanel->setRunning(false);
    m_overlay->resetStates();
    updatePlan();
}

} // namespace tessera

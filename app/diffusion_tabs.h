#pragma once
/// The Refine and Workflow tabs of the window's dock, wired to the engine:
/// the refine plan the overlay draws while the Refine tab is in front
/// (planned on the engine thread: it reads the checkpoint's header), the
/// preview of the tile under the cursor (latest wins), the runs with their
/// progress, and the results, handed to the window for compare and export.
/// It reads no file and runs no model itself.

#include "bridge/engine_job.h"
#include "bridge/model_listing.h"
#include "image/image.h"
#include "tiling/tile_plan.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>
#include <vector>

namespace tessera {

class EngineController;
class ImageView;
class RefinePanel;
class TileOverlay;
class WorkflowPanel;

class DiffusionTabs : public QObject {
    Q_OBJECT
public:
    DiffusionTabs(EngineController* engine, ImageView* view, TileOverlay* overlay, QObject* parent = nullptr);

    RefinePanel* refinePanel() const { return m_refinePanel; }
    WorkflowPanel* workflowPanel() const { return m_workflowPanel; }

    /// The checkpoints, VAEs and upscale models of a scan of the models folder.
    void setModels(const std::vector<ModelListing>& listing);
    void setDevices(const QStringList& devices);
    /// The opened image (nullptr: none); the refinement works on it.
    void setImage(std::shared_ptr<const Image> image);

    /// Whether the Refine tab is in front: then the overlay shows the refine plan.
    void setRefineActive(bool active);
    bool refineActive() const { return m_refineActive; }
    /// The refine plan the overlay shows (empty until planned).
    const TilePlan& refinePlan() const { return m_plan; }
    /// A refinement or a workflow is running.
    bool isRunning() const { return m_runId != 0; }
    /// True for the jobs these tabs submitted and still wait for (their
    /// errors are theirs to show).
    bool handles(quint64 id) const;

    /// Starts refining the opened image with the Refine panel's settings.
    void startRefine();
    /// Starts the workflow with the Workflow panel's settings.
    void startWorkflow();
    void cancelRun();
    /// The tile under the cursor changed (Refine tab in front).
    void hoveredTileChanged();

signals:
    /// A run finished: `after` is the result; compare it with `before`
    /// (nullptr: the opened image).
    void resultReady(std::shared_ptr<Image> after, std::shared_ptr<Image> before, const QString& message);
    /// A run failed (`message` non-empty) or was cancelled.
    void runFailed(const QString& title, const QString& message);
    /// A run started (the window keeps its image and settings meanwhile).
    void runStarted();
    /// The preview of a tile failed (for the status bar).
    void previewFailed(const QString& message);

private:
    void connectEngine();
    void updatePlan();
    void requestPreview();
    void endRun();
    void markTileStarted(int tileIndex);

    EngineController* m_engine;
    ImageView* m_view;
    TileOverlay* m_overlay;
    RefinePanel* m_refinePanel = nullptr;
    WorkflowPanel* m_workflowPanel = nullptr;
    QTimer m_previewTimer;
    std::shared_ptr<const Image> m_image;
    TilePlan m_plan;
    bool m_refineActive = false;
    quint64 m_runId = 0;
    bool m_runIsWorkflow = false;
    int m_runningTile = -1;
};

} // namespace tessera

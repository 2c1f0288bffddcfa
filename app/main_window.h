#pragma once
/// The main window: a view. The image view with its tile-grid overlay in the
/// middle, the upscale panel at the side with the Models, Refine and
/// Workflow tabs beside it (DiffusionTabs wires the last two), the status bar
/// with size, zoom, the pixel under the cursor and the progress of file work.
/// It turns what a person does into intents (open, preview, run, export,
/// scan) submitted to the EngineController as jobs, and shows what comes
/// back; it never reads or writes a file or runs a model itself. Plans and
/// estimates come from core (planUpscale, the refine plan job), settings and
/// presets from the SettingsStore.

#include "bridge/engine_job.h"
#include "bridge/model_choice.h"
#include "dialogs/export_dialog.h"
#include "image/image.h"
#include "panels/upscale_panel.h"
#include "pipeline/upscale_plan.h"
#include "settings/settings_store.h"

#include <QHash>
#include <QMainWindow>
#include <QPoint>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <vector>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;

namespace tessera {

class DiffusionTabs;
class EngineController;
class ImageView;
class ModelsPanel;
class RefinePanel;
class TileOverlay;
class WorkflowPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Starts opening `path` on the file thread; imageOpened() tells how it
    /// ended. The current image stays until the new one is read. False when
    /// it cannot start (a run is going).
    bool openImage(const QString& path);
    /// Selects the model at `path`, describing it first when it is outside
    /// the models folder (modelsLoaded() follows).
    void setModelPath(const QString& path);
    /// Scans `folder` for models on the scan thread (modelsLoaded() follows).
    void loadModels(const QString& folder);
    /// The models folder from the preferences, else $TESSERA_MODELS or ~/.local/share/tessera/models.
    QString modelsFolder() const;

    ImageView* imageView() const { return m_view; }
    TileOverlay* tileOverlay() const { return m_overlay; }
    UpscalePanel* upscalePanel() const { return m_panel; }
    ModelsPanel* modelsPanel() const { return m_modelsPanel; }
    RefinePanel* refinePanel() const;
    WorkflowPanel* workflowPanel() const;
    DiffusionTabs* diffusionTabs() const { return m_diffusion; }
    /// Brings the Refine tab to the front (its overlay shows the refine plan).
    void showRefineTab();
    EngineController* engine() const { return m_engine; }
    /// The plan the overlay shows and a run would work through.
    const UpscalePlan& plan() const { return m_plan; }
    /// An upscale, a refinement or a workflow is running.
    bool isRunning() const;
    /// The result of the last run, or nullptr.
    std::shared_ptr<const Image> result() const { return m_result; }
    /// Starts writing the result on the file thread, with a progress bar;
    /// exportFinished() tells how it ended. False when there is no result, or
    /// when the result has alpha, the format none (JPEG), and the person
    /// cancels the question that says so.
    bool exportResult(const ExportChoice& choice);

    /// Saves the panel's tile settings as preset `name` (what Presets > Save does after asking).
    void savePresetAs(const QString& name);
    /// Loads preset `name` into the panel; false when there is no such preset.
    bool applyPreset(const QString& name);
    QStringList presetNames() const;

    /// Quiet: errors only go to errorOccurred, no message box waits for a
    /// click (for tests and scripted use); questions go to questionAsked and
    /// get the quiet answer.
    void setQuietErrors(bool quiet) { m_quietErrors = quiet; }
    /// What a quiet window answers a Continue/Cancel question (default Cancel).
    void setQuietAnswer(bool proceed) { m_quietAnswer = proceed; }

signals:
    /// Every error the window reports (also shown in a message box unless quiet).
    void errorOccurred(const QString& title, const QString& message);
    /// Every Continue/Cancel question the window asks before it acts
    /// (a plan of over 10000 tiles, alpha exported to JPEG).
    void questionAsked(const QString& title, const QString& question);
    void imageOpened(bool ok);
    void exportFinished(bool ok);
    void modelsLoaded();
    /// A run ended: finished (true) or failed or cancelled (false).
    void runEnded(bool finished);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void connectEngine();
    void openDialog();
    void exportDialog();
    void updateTitle();
    void updateRecentMenu();
    void modelChosen();
    void updatePlan();
    void updatePlanSummary();
    void schedulePreview();
    void requestPreview();
    void startRun();
    void endRun();
    void showImage(const QString& path, std::shared_ptr<Image> image, const QImage& display);
    void showModels(const std::vector<ModelChoice>& scanned);
    void showResult(std::shared_ptr<Image> result, const QStringList& notes);
    /// A refinement's or workflow's result; compared with `before` (nullptr: the opened image).
    void showDiffusionResult(std::shared_ptr<Image> result, std::shared_ptr<Image> before, const QString& message);
    void createDiffusionTabs(QDockWidget* besides);
    void setCompare(bool on);
    void showFileProgress(const QString& text, int done, int total);
    void showAbout();
    void showError(const QString& title, const QString& message);
    /// Asks `question` with Continue and Cancel; true for Continue.
    bool confirm(const QString& title, const QString& question);
    /// Asks before a plan over 10,000 tiles (core/pipeline/plan_limits.h); true to run.
    bool confirmTileCount(const TilePlan& plan);
    void savePreset();
    void loadPreset();
    /// What is known of the chosen model: the loaded model's own description
    /// when it has been loaded (ncnn graphs measure their scale), else the
    /// file headers'.
    ModelInfo currentModelInfo() const;

    EngineController* m_engine = nullptr;
    SettingsStore m_store;
    ImageView* m_view = nullptr;
    TileOverlay* m_overlay = nullptr;
    UpscalePanel* m_panel = nullptr;
    ModelsPanel* m_modelsPanel = nullptr;
    DiffusionTabs* m_diffusion = nullptr;
    QDockWidget* m_refineDock = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_presetMenu = nullptr;
    QAction* m_gridAction = nullptr;
    QAction* m_compareAction = nullptr;
    QAction* m_exportAction = nullptr;
    QLabel* m_sizeLabel = nullptr;
    QLabel* m_zoomLabel = nullptr;
    QLabel* m_pixelLabel = nullptr;
    QLabel* m_fileLabel = nullptr;
    QProgressBar* m_fileProgress = nullptr;
    QTimer m_previewTimer;

    std::shared_ptr<Image> m_image;
    std::shared_ptr<Image> m_result;
    QImage m_imageDisplay;
    QImage m_compareBefore; ///< the "before" of the compare view when not the opened image (a workflow's upscale)
    QString m_imagePath;
    UpscalePlan m_plan;
    QPoint m_cursorPixel{-1, -1};

    std::vector<ModelChoice> m_folderModels; ///< the last scan of the models folder
    std::vector<ModelChoice> m_extraModels;  ///< models chosen from elsewhere
    QString m_wantedModel;                   ///< to select once a scan lists it
    QHash<QString, ModelInfo> m_loadedInfo;  ///< model path -> the loaded model's description

    double m_secondsPerPixel = -1.0; ///< measured by previews; negative until one ran
    QString m_measuredFor;           ///< "model|device|precision" of that measurement

    quint64 m_runId = 0;
    quint64 m_exportId = 0;
    int m_lastHovered = -2; ///< the hovered tile the last preview was scheduled for
    bool m_quietErrors = false;
    bool m_quietAnswer = false;
};

} // namespace tessera

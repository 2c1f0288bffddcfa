#include "main_window.h"

#include "diffusion_tabs.h"
#include "time_text.h"

#include "bridge/engine_controller.h"
#include "bridge/file_jobs.h"
#include "bridge/upscale_jobs.h"
#include "dialogs/batch_dialog.h"
#include "dialogs/export_dialog.h"
#include "dialogs/preferences_dialog.h"
#include "display/display_image.h"
#include "panels/models_panel.h"
#include "panels/refine_panel.h"
#include "panels/workflow_panel.h"
#include "io/output_formats.h"
#include "pipeline/model_registry.h"
#include "pipeline/plan_limits.h"
#include "views/image_view.h"
#include "views/tile_overlay.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>

namespace tessera {

namespace {

constexpr int kPreviewPatch = -1; ///< patch key of the live preview

/// "model|device|precision": what a time measurement is valid for.
QString measurementKey(const UpscaleSettings& s)
{
    return QString::fromStdString(s.modelPath + "|" + deviceName(s.device) + "|" + precisionName(s.precision));
}

/// `rect` (output pixels) in image pixels, for patches over the input.
QRectF toImageRect(const QRect& rect, int scale)
{
    const double s = std::max(1, scale);
    return QRectF(rect.x() / s, rect.y() / s, rect.width() / s, rect.height() / s);
}

template <typename Job>
std::shared_ptr<Job> jobAs(const EngineJobPtr& job)
{
    return std::dynamic_pointer_cast<Job>(job);
}

} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    m_engine = new EngineController(this);
    m_view = new ImageView(this);
    m_overlay = new TileOverlay(this);
    m_view->setTileOverlay(m_overlay);
    setCentralWidget(m_view);
    setAcceptDrops(true);

    m_panel = new UpscalePanel;
    auto* dock = new QDockWidget(tr("Upscale"), this);
    dock->setObjectName("upscaleDock");
    dock->setWidget(m_panel);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::RightDockWidgetArea, dock);
    m_modelsPanel = new ModelsPanel;
    auto* modelsDock = new QDockWidget(tr("Models"), this);
    modelsDock->setObjectName("modelsDock");
    modelsDock->setWidget(m_modelsPanel);
    modelsDock->setFeatures(dock->features());
    tabifyDockWidget(dock, modelsDock);
    connectEngine();
    // After connectEngine: the window's error handler sees the tabs' jobs before they end them.
    createDiffusionTabs(modelsDock);
    dock->raise();
    connect(m_modelsPanel, &ModelsPanel::refreshRequested, this, [this] { loadModels(modelsFolder()); });
    m_panel->setDevices(EngineController::availableDevices());

    m_sizeLabel = new QLabel(this);
    m_zoomLabel = new QLabel(this);
    m_pixelLabel = new QLabel(this);
    m_fileLabel = new QLabel(this);
    m_fileProgress = new QProgressBar(this);
    m_fileProgress->setMaximumWidth(180);
    m_fileLabel->hide();
    m_fileProgress->hide();
    statusBar()->addWidget(m_sizeLabel);
    statusBar()->addWidget(m_zoomLabel);
    statusBar()->addPermanentWidget(m_fileLabel);
    statusBar()->addPermanentWidget(m_fileProgress);
    statusBar()->addPermanentWidget(m_pixelLabel);

    m_previewTimer.setSingleShot(true);
    m_previewTimer.setInterval(120); // settle after the cursor or a slider stops
    connect(&m_previewTimer, &QTimer::timeout, this, &MainWindow::requestPreview);

    connect(m_view, &ImageView::zoomChanged, this, [this](double zoom) {
        m_zoomLabel->setText(tr("Zoom %1%").arg(zoom * 100.0, 0, 'f', zoom < 0.1 ? 1 : 0));
    });
    connect(m_view, &ImageView::cursorPixelChanged, this, [this](QPoint pixel) {
        const Image* shown = m_view->isComparing() && m_result ? m_result.get() : m_image.get();
        if (pixel.x() >= 0)
            m_cursorPixel = pixel;
        if (pixel.x() < 0 || !shown) {
            m_pixelLabel->clear();
            return;
        }
        m_pixelLabel->setText(tr("x %1, y %2: %3")
                                  .arg(pixel.x())
                                  .arg(pixel.y())
                                  .arg(pixelValueText(*shown, pixel.x(), pixel.y())));
    });
    connect(m_overlay, &TileOverlay::changed, this, [this] {
        if (m_overlay->hoveredTile() != m_lastHovered) {
            m_lastHovered = m_overlay->hoveredTile();
            if (m_diffusion->refineActive())
                m_diffusion->hoveredTileChanged();
            else
                schedulePreview();
        }
    });

    connect(m_panel, &UpscalePanel::settingsChanged, this, &MainWindow::modelChosen);
    connect(m_panel, &UpscalePanel::runRequested, this, &MainWindow::startRun);
    connect(m_panel, &UpscalePanel::cancelRequested, this, [this] {
        if (m_runId)
            m_engine->cancel(m_runId);
    });
    connect(m_panel, &UpscalePanel::exportRequested, this, &MainWindow::exportDialog);

    createActions();
    updateTitle();
    UpscalePanelSettings restored = m_store.upscale(m_panel->settings());
    m_wantedModel = QString::fromStdString(restored.job.modelPath);
    m_panel->setSettings(restored);
    refinePanel()->setSettings(m_store.refine(refinePanel()->settings()));
    workflowPanel()->setSettings(m_store.workflow(workflowPanel()->settings()));
    restoreGeometry(m_store.windowGeometry());
    restoreState(m_store.windowState());
    if (m_store.windowGeometry().isEmpty())
        resize(1280, 820);
    loadModels(modelsFolder());
    updatePlan();
}

MainWindow::~MainWindow()
{
    // Closing hides the docks; by then the window's members are gone.
    disconnect(m_refineDock, nullptr, this, nullptr);
}

void MainWindow::createDiffusionTabs(QDockWidget* besides)
{
    m_diffusion = new DiffusionTabs(m_engine, m_view, m_overlay, this);
    m_diffusion->setDevices(EngineController::availableDevices());
    m_refineDock = new QDockWidget(tr("Refine"), this);
    m_refineDock->setObjectName("refineDock");
    m_refineDock->setWidget(refinePanel());
    m_refineDock->setFeatures(besides->features());
    tabifyDockWidget(besides, m_refineDock);
    auto* workflowDock = new QDockWidget(tr("Workflow"), this);
    workflowDock->setObjectName("workflowDock");
    workflowDock->setWidget(workflowPanel());
    workflowDock->setFeatures(besides->features());
    tabifyDockWidget(m_refineDock, workflowDock);
    // The tab in front decides what the overlay draws: the refine plan or the upscale's.
    connect(m_refineDock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        m_diffusion->setRefineActive(visible);
        if (!visible && !isRunning())
            updatePlan();
    });

    auto gate = [this](void (DiffusionTabs::*start)()) {
        return [this, start] {
            if (m_runId)
                showError(tr("Upscale running"), tr("Cancel the running upscale first."));
            else
                (m_diffusion->*start)();
        };
    };
    connect(refinePanel(), &RefinePanel::runRequested, this, [this, start = gate(&DiffusionTabs::startRefine)] {
        if (confirmTileCount(m_diffusion->refinePlan()))
            start();
    });
    connect(workflowPanel(), &WorkflowPanel::runRequested, this, gate(&DiffusionTabs::startWorkflow));
    connect(m_diffusion, &DiffusionTabs::runStarted, this, [this] {
        setCompare(false);
        m_compareAction->setChecked(false);
    });
    connect(m_diffusion, &DiffusionTabs::resultReady, this, &MainWindow::showDiffusionResult);
    connect(m_diffusion, &DiffusionTabs::runFailed, this, [this](const QString& title, const QString& message) {
        if (message.isEmpty())
            statusBar()->showMessage(tr("Cancelled."), 5000);
        else
            showError(title, message);
        emit runEnded(false);
    });
    connect(m_diffusion, &DiffusionTabs::previewFailed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Preview failed: %1").arg(message), 8000);
    });
}

RefinePanel* MainWindow::refinePanel() const
{
    return m_diffusion->refinePanel();
}

WorkflowPanel* MainWindow::workflowPanel() const
{
    return m_diffusion->workflowPanel();
}

void MainWindow::showRefineTab()
{
    m_refineDock->show();
    m_refineDock->raise();
}

bool MainWindow::isRunning() const
{
    return m_runId != 0 || m_diffusion->isRunning();
}

void MainWindow::connectEngine()
{
    connect(m_engine, &EngineController::jobPartial, this, [this](quint64 id, JobPartial partial) {
        const int scale = m_plan.outputScale;
        if (partial.kind == JobPartial::Kind::Preview) {
            if (id != m_engine->latestOf(QStringLiteral("preview")))
                return;
            m_view->setPatch(kPreviewPatch, toImageRect(partial.outputRect, scale), partial.pixels);
            if (partial.last && m_overlay->tileState(partial.tileIndex) == TileState::Running)
                m_overlay->setTileState(partial.tileIndex, TileState::Pending);
        } else if (id == m_runId && partial.kind == JobPartial::Kind::TileStarted) {
            m_overlay->setTileState(partial.tileIndex, TileState::Running);
        } else if (id == m_runId) {
            m_overlay->setTileState(partial.tileIndex, TileState::Done);
            m_view->setPatch(partial.tileIndex, toImageRect(partial.outputRect, scale), partial.pixels);
        }
    });
    connect(m_engine, &EngineController::jobProgress, this, [this](quint64 id, JobProgress p) {
        if (id == m_runId)
            m_panel->setProgress(p.done, p.total, formatTimeLeft(p.etaSeconds));
        else if (id == m_exportId)
            showFileProgress(tr("Exporting…"), p.done, p.total);
    });
    connect(m_engine, &EngineController::jobFinished, this, [this](quint64 id, EngineJobPtr job) {
        if (auto run = jobAs<UpscaleRunJob>(job); run && id == m_runId) {
            showResult(run->result(), run->notes());
        } else if (auto preview = jobAs<UpscalePreviewJob>(job)) {
            if (preview->secondsPerPixel() >= 0) {
                m_secondsPerPixel = preview->secondsPerPixel();
                m_measuredFor = measurementKey(m_panel->settings().job);
                if (!isRunning())
                    updatePlanSummary();
            }
        } else if (auto open = jobAs<OpenImageJob>(job)) {
            showFileProgress(QString(), 0, 0);
            showImage(open->path(), open->image(), open->display());
        } else if (auto exported = jobAs<ExportImageJob>(job); exported && id == m_exportId) {
            m_exportId = 0;
            showFileProgress(QString(), 0, 0);
            statusBar()->showMessage(tr("Exported %1").arg(QFileInfo(exported->path()).fileName()), 5000);
            emit exportFinished(true);
        } else if (auto scan = jobAs<ScanModelsJob>(job)) {
            if (QFileInfo(scan->path()).isDir()) {
                m_folderModels = scan->models();
                m_modelsPanel->setModels(scan->path(), scan->listing());
                m_diffusion->setModels(scan->listing());
            } else {
                for (const ModelChoice& model : scan->models())
                    m_extraModels.push_back(model);
                if (scan->models().empty())
                    showError(tr("Cannot use model"), tr("%1 is not a model Tessera can load.").arg(scan->path()));
            }
            showModels(m_folderModels);
        } else if (auto load = jobAs<LoadModelJob>(job)) {
            m_loadedInfo.insert(QString::fromStdString(load->settings().modelPath), load->info());
            if (!isRunning())
                updatePlan();
        }
    });
    connect(m_engine, &EngineController::jobFailed, this, [this](quint64 id, QString message) {
        if (id == m_runId) {
            endRun();
            showError(tr("Upscale failed"), message);
            emit runEnded(false);
        } else if (id == m_exportId) {
            m_exportId = 0;
            showFileProgress(QString(), 0, 0);
            showError(tr("Export failed"),
                      tr("Tessera could not export the result.\n\n%1\n\nAny earlier file there is unchanged.").arg(message));
            emit exportFinished(false);
        } else if (id == m_engine->latestOf(QStringLiteral("open"))) {
            showFileProgress(QString(), 0, 0);
            showError(tr("Cannot open image"), message);
            emit imageOpened(false);
        } else if (id == m_engine->latestOf(QStringLiteral("preview"))) {
            statusBar()->showMessage(tr("Preview failed: %1").arg(message), 8000);
            if (m_overlay->hoveredTile() >= 0 && m_overlay->tileState(m_overlay->hoveredTile()) == TileState::Running)
                m_overlay->setTileState(m_overlay->hoveredTile(), TileState::Pending);
        } else if (id == m_engine->latestOf(QStringLiteral("model"))) {
            statusBar()->showMessage(tr("Cannot load the model: %1").arg(message), 8000);
        } else if (id == m_engine->latestOf(QStringLiteral("batch"))) {
            // The batch dialog shows the failure in its summary.
        } else if (!m_diffusion->handles(id)) {
            showError(tr("Error"), message);
        }
    });
    connect(m_engine, &EngineController::jobCancelled, this, [this](quint64 id) {
        if (id == m_runId) {
            endRun();
            statusBar()->showMessage(tr("Cancelled."), 5000);
            emit runEnded(false);
        } else if (id == m_exportId) {
            m_exportId = 0;
            showFileProgress(QString(), 0, 0);
            emit exportFinished(false);
        }
    });
}

void MainWindow::createActions()
{
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    QAction* open = fileMenu->addAction(tr("&Open…"), this, &MainWindow::openDialog);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = fileMenu->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    m_exportAction = fileMenu->addAction(tr("&Export Result…"), this, &MainWindow::exportDialog);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportAction->setEnabled(false);
    fileMenu->addAction(tr("&Batch Upscale…"), this, [this] {
        // The batch runs on the engine thread, behind whatever runs there now.
        if (isRunning()) {
            showError(tr("Busy"), tr("Wait for the running job to end, or cancel it, first."));
            return;
        }
        const ModelChoice* model = m_panel->currentModel();
        const UpscaleSettings settings = m_panel->settings().job;
        const int scale = settings.outputScale > 0 ? settings.outputScale : currentModelInfo().scale;
        m_engine->cancelChannel(QStringLiteral("preview"));
        BatchDialog dialog(m_engine, settings, model ? model->name : QString(), scale, this);
        dialog.exec();
    });
    fileMenu->addSeparator();
    QAction* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    QAction* zoomIn = viewMenu->addAction(tr("Zoom &In"), m_view, &ImageView::zoomIn);
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction* zoomOut = viewMenu->addAction(tr("Zoom &Out"), m_view, &ImageView::zoomOut);
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QAction* fit = viewMenu->addAction(tr("&Fit to Window"), m_view, &ImageView::zoomToFit);
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    QAction* actual = viewMenu->addAction(tr("&Actual Size (100%)"), m_view, &ImageView::zoomToActualSize);
    actual->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    viewMenu->addSeparator();
    m_gridAction = viewMenu->addAction(tr("Show Tile &Grid"));
    m_gridAction->setCheckable(true);
    m_gridAction->setChecked(true);
    m_gridAction->setShortcut(QKeySequence(Qt::Key_G));
    connect(m_gridAction, &QAction::toggled, this, [this](bool on) {
        UpscalePanelSettings s = m_panel->settings();
        if (s.showGrid != on) {
            s.showGrid = on;
            m_panel->setSettings(s);
        }
    });
    m_compareAction = viewMenu->addAction(tr("&Compare Before/After"));
    m_compareAction->setCheckable(true);
    m_compareAction->setShortcut(QKeySequence(Qt::Key_C));
    m_compareAction->setEnabled(false);
    connect(m_compareAction, &QAction::toggled, this, &MainWindow::setCompare);

    m_presetMenu = menuBar()->addMenu(tr("&Presets"));
    m_presetMenu->addAction(tr("&Save Tile Settings as Preset…"), this, &MainWindow::savePreset);
    m_presetMenu->addAction(tr("&Load Preset…"), this, &MainWindow::loadPreset);

    QMenu* editMenu = menuBar()->addMenu(tr("&Edit"));
    QAction* preferences = editMenu->addAction(tr("&Preferences…"), this, [this] {
        PreferencesDialog dialog(this);
        if (dialog.exec() == QDialog::Accepted)
            loadModels(modelsFolder());
    });
    preferences->setShortcut(QKeySequence::Preferences);
    preferences->setMenuRole(QAction::PreferencesRole);

    QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About Tessera"), this, &MainWindow::showAbout);
}

QString MainWindow::modelsFolder() const
{
    const QString chosen = m_store.modelsFolder();
    return chosen.isEmpty() ? QString::fromStdString(defaultModelsFolder()) : chosen;
}

void MainWindow::loadModels(const QString& folder)
{
    if (!QFileInfo(folder).isDir()) {
        m_folderModels.clear();
        m_modelsPanel->setModels(folder, {});
        showModels(m_folderModels);
        return;
    }
    m_engine->submit(std::make_shared<ScanModelsJob>(folder));
}

void MainWindow::setModelPath(const QString& path)
{
    m_wantedModel = QFileInfo(path).absoluteFilePath();
    for (const std::vector<ModelChoice>* list : {&m_folderModels, &m_extraModels})
        for (const ModelChoice& model : *list)
            if (QFileInfo(model.path).absoluteFilePath() == m_wantedModel) {
                showModels(m_folderModels);
                return;
            }
    m_engine->submit(std::make_shared<ScanModelsJob>(m_wantedModel));
}

void MainWindow::showModels(const std::vector<ModelChoice>& scanned)
{
    std::vector<ModelChoice> models = scanned;
    for (const ModelChoice& extra : m_extraModels) {
        bool listed = false;
        for (const ModelChoice& model : models)
            listed = listed || QFileInfo(model.path).absoluteFilePath() == QFileInfo(extra.path).absoluteFilePath();
        if (!listed)
            models.push_back(extra);
    }
    m_panel->setModels(models);
    if (!m_wantedModel.isEmpty()) {
        for (const ModelChoice& model : models)
            if (QFileInfo(model.path).absoluteFilePath() == QFileInfo(m_wantedModel).absoluteFilePath()) {
                m_panel->selectModel(model.path);
                m_wantedModel.clear();
                break;
            }
    }
    emit modelsLoaded();
}

void MainWindow::openDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Image"), m_store.lastFolder(),
        tr("Images (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga *.hdr *.dpx);;All files (*)"));
    if (!path.isEmpty())
        openImage(path);
}

bool MainWindow::openImage(const QString& path)
{
    if (isRunning()) {
        showError(tr("Run in progress"), tr("Cancel the running job before opening another image."));
        return false;
    }
    showFileProgress(tr("Opening %1…").arg(QFileInfo(path).fileName()), 0, 0);
    m_engine->submit(std::make_shared<OpenImageJob>(path));
    return true;
}

void MainWindow::showImage(const QString& path, std::shared_ptr<Image> image, const QImage& display)
{
    if (isRunning()) { // a run started while the file was read: it keeps its image
        emit imageOpened(false);
        return;
    }
    m_image = std::move(image);
    m_imagePath = path;
    m_result.reset();
    m_compareBefore = QImage();
    m_compareAction->setChecked(false);
    m_compareAction->setEnabled(false);
    m_exportAction->setEnabled(false);
    m_imageDisplay = display;
    m_view->clearPatches();
    m_view->setImage(m_imageDisplay);
    m_sizeLabel->setText(tr("%1 × %2, %3 channels, %4")
                             .arg(m_image->width())
                             .arg(m_image->height())
                             .arg(m_image->channels())
                             .arg(QString::fromLatin1(sampleTypeName(m_image->metadata().sourceSampleType))));
    m_store.setLastFolder(QFileInfo(path).absolutePath());
    m_store.addRecentFile(path);
    updateRecentMenu();
    updateTitle();
    updatePlan();
    m_diffusion->setImage(m_image);
    emit imageOpened(true);
}

ModelInfo MainWindow::currentModelInfo() const
{
    const ModelChoice* model = m_panel->currentModel();
    if (!model)
        return ModelInfo{};
    const auto loaded = m_loadedInfo.find(model->path);
    return loaded != m_loadedInfo.end() ? *loaded : model->info;
}

void MainWindow::modelChosen()
{
    // Load the model in the background now, so the first preview or run finds
    // it loaded (and an ncnn graph reports its true scale and multiple).
    const UpscalePanelSettings s = m_panel->settings();
    if (!s.job.modelPath.empty() && !m_loadedInfo.contains(QString::fromStdString(s.job.modelPath)) && !isRunning())
        m_engine->submit(std::make_shared<LoadModelJob>(s.job));
    updatePlan();
}

void MainWindow::updatePlan()
{
    const UpscalePanelSettings s = m_panel->settings();
    m_gridAction->setChecked(s.showGrid);
    if (isRunning()) {
        // The overlay keeps the plan the run works through (tile indices and
        // finished patches refer to it); the run's end re-plans.
        m_overlay->setVisible(s.showGrid);
        return;
    }
    if (m_diffusion->refineActive())
        return; // the overlay shows the refine plan (DiffusionTabs); leaving the tab re-plans
    m_view->clearPatches();
    m_engine->cancelChannel(QStringLiteral("preview"));
    if (!m_image) {
        m_plan = UpscalePlan{};
        m_overlay->setPlan(TilePlan());
        m_panel->setPlanSummary(tr("Open an image to see its tiles."));
        return;
    }
    try {
        m_plan = planUpscale(currentModelInfo(), s.job, m_image->width(), m_image->height());
        m_overlay->setPlan(m_plan.tiles);
        updatePlanSummary();
    } catch (const std::exception& error) {
        m_plan = UpscalePlan{};
        m_overlay->setPlan(TilePlan());
        m_panel->setPlanSummary(QString::fromStdString(error.what()));
    }
    m_overlay->setVisible(s.showGrid && !m_view->isComparing());
    schedulePreview();
}

void MainWindow::updatePlanSummary()
{
    const TilePlan& plan = m_plan.tiles;
    if (plan.tileCount() == 0)
        return;
    const double megabytes = double(m_plan.bytesPerTile) / (1 << 20);
    QString text = tr("%n tile(s) (%1 × %2), each %3 × %4 px with halo\n"
                      "Output %5 × %6 px, about %7 MB per tile",
                      nullptr, plan.tileCount())
                       .arg(plan.columns())
                       .arg(plan.rows())
                       .arg(plan.paddedWidth())
                       .arg(plan.paddedHeight())
                       .arg(plan.outputWidth())
                       .arg(plan.outputHeight())
                       .arg(QLocale().toString(megabytes, 'f', 0));
    if (m_secondsPerPixel >= 0 && measurementKey(m_panel->settings().job) == m_measuredFor)
        text += QLatin1Char('\n')
                + tr("About %1 for the whole image").arg(formatDuration(estimateSeconds(m_plan, m_secondsPerPixel)));
    else
        text += QLatin1Char('\n') + tr("Hover over the image to preview a tile and estimate the time.");
    m_panel->setPlanSummary(text);
}

void MainWindow::schedulePreview()
{
    m_view->clearPatches();
    m_engine->cancelChannel(QStringLiteral("preview"));
    for (int i = 0; i < m_plan.tiles.tileCount(); ++i)
        if (m_overlay->tileState(i) == TileState::Running && !isRunning())
            m_overlay->setTileState(i, TileState::Pending);
    if (m_panel->settings().livePreview && m_overlay->hoveredTile() >= 0)
        m_previewTimer.start();
}

void MainWindow::requestPreview()
{
    const int tile = m_overlay->hoveredTile();
    const UpscalePanelSettings s = m_panel->settings();
    if (!m_image || tile < 0 || tile >= m_plan.tiles.tileCount() || !s.livePreview || s.job.modelPath.empty()
        || isRunning() || m_view->isComparing())
        return;
    // A busy marker on the tile at once; the preview's stages replace it.
    m_overlay->setTileState(tile, TileState::Running);
    m_engine->submit(std::make_shared<UpscalePreviewJob>(resolvedSettings(s.job, m_plan), m_image, tile,
                                                         m_cursorPixel));
}

void MainWindow::startRun()
{
    if (!m_image) {
        showError(tr("No image"), tr("Open an image to upscale first."));
        return;
    }
    if (m_diffusion->isRunning()) {
        showError(tr("Refine running"), tr("Cancel the running refinement first."));
        return;
    }
    if (!m_panel->currentModel()) {
        showError(tr("No model"),
                  tr("No upscale model was found in %1. Run scripts/fetch_models.sh or put "
                     ".pth, .safetensors or ncnn models there.")
                      .arg(modelsFolder()));
        return;
    }
    if (m_plan.tiles.tileCount() == 0) {
        showError(tr("Cannot plan tiles"), tr("The tile settings do not make a plan for this image."));
        return;
    }
    if (!confirmTileCount(m_plan.tiles))
        return;
    setCompare(false);
    m_compareAction->setChecked(false);
    m_view->setImage(m_imageDisplay);
    m_view->clearPatches();
    m_engine->cancelChannel(QStringLiteral("preview"));
    m_overlay->resetStates();
    m_overlay->setVisible(m_panel->settings().showGrid);
    m_panel->setRunning(true);
    // The run works through exactly the plan the overlay shows.
    m_runId = m_engine->submit(
        std::make_shared<UpscaleRunJob>(resolvedSettings(m_panel->settings().job, m_plan), m_image));
}

void MainWindow::endRun()
{
    m_runId = 0;
    m_panel->setRunning(false);
    m_view->clearPatches();
    m_overlay->resetStates();
    updatePlan();
}

void MainWindow::showResult(std::shared_ptr<Image> result, const QStringList& notes)
{
    m_result = std::move(result);
    m_compareBefore = QImage();
    endRun();
    m_exportAction->setEnabled(true);
    m_compareAction->setEnabled(true);
    m_compareAction->setChecked(true);
    setCompare(true);
    statusBar()->showMessage(
        tr("Upscaled to %1 × %2. %3").arg(m_result->width()).arg(m_result->height()).arg(notes.join(QLatin1Char(' '))),
        10000);
    emit runEnded(true);
}

void MainWindow::showDiffusionResult(std::shared_ptr<Image> result, std::shared_ptr<Image> before,
                                     const QString& message)
{
    m_result = std::move(result);
    m_compareBefore = before ? toDisplayImage(*before) : QImage();
    m_exportAction->setEnabled(true);
    m_compareAction->setEnabled(true);
    m_compareAction->setChecked(true);
    setCompare(true);
    statusBar()->showMessage(message, 10000);
    emit runEnded(true);
}

void MainWindow::setCompare(bool on)
{
    if (on && m_result) {
        m_view->setImage(toDisplayImage(*m_result));
        m_view->setCompareImage(m_compareBefore.isNull() ? m_imageDisplay : m_compareBefore);
        m_overlay->setVisible(false);
    } else {
        m_view->setCompareImage(QImage());
        if (!m_imageDisplay.isNull() && m_view->image().size() != m_imageDisplay.size())
            m_view->setImage(m_imageDisplay);
        m_overlay->setVisible(m_panel->settings().showGrid);
    }
}

void MainWindow::showFileProgress(const QString& text, int done, int total)
{
    const bool busy = !text.isEmpty();
    m_fileLabel->setVisible(busy);
    m_fileProgress->setVisible(busy);
    m_fileLabel->setText(text);
    m_fileProgress->setRange(0, total); // 0, 0: busy without a known end
    m_fileProgress->setValue(done);
}

void MainWindow::exportDialog()
{
    if (!m_result)
        return;
    const QFileInfo source(m_imagePath);
    ExportDialog dialog(source.dir().filePath(source.completeBaseName() + "-upscaled.png"), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    exportResult(dialog.choice());
}

bool MainWindow::exportResult(const ExportChoice& choice)
{
    if (!m_result || m_exportId)
        return false;
    const int channels = m_result->channels();
    if ((channels == 2 || channels == 4) && !formatStoresAlpha(choice.path.toStdString())
        && !confirm(tr("Alpha is dropped"), tr("%1: %2. Export anyway?")
                                                .arg(QFileInfo(choice.path).fileName(),
                                                     QString::fromUtf8(kAlphaDroppedSentence))))
        return false;
    WriteOptions options;
    options.bits = choice.bits;
    options.quality = choice.quality;
    options.keepMetadata = choice.keepMetadata;
    if (QFileInfo(choice.path).suffix().compare(QLatin1String("png"), Qt::CaseInsensitive) == 0)
        options.compression = "zip:" + std::to_string(choice.pngLevel);
    showFileProgress(tr("Exporting…"), 0, 1);
    m_exportId = m_engine->submit(std::make_shared<ExportImageJob>(m_result, choice.path, options));
    return true;
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = m_store.recentFiles();
    for (const QString& path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openImage(path); })
            ->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::updateTitle()
{
    if (m_imagePath.isEmpty())
        setWindowTitle(tr("Tessera"));
    else
        setWindowTitle(tr("%1 — Tessera").arg(QFileInfo(m_imagePath).fileName()));
}

void MainWindow::savePreset()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save Preset"), tr("Preset name:"), QLineEdit::Normal,
                                               QString(), &ok).trimmed();
    if (!ok || name.isEmpty())
        return;
    savePresetAs(name);
}

void MainWindow::savePresetAs(const QString& name)
{
    m_store.savePreset(name, m_panel->settings().job);
}

QStringList MainWindow::presetNames() const
{
    return m_store.presetNames();
}

bool MainWindow::applyPreset(const QString& name)
{
    UpscalePanelSettings s = m_panel->settings();
    const std::optional<UpscaleSettings> preset = m_store.preset(name, s.job);
    if (!preset)
        return false;
    s.job = *preset;
    m_panel->setSettings(s);
    return true;
}

void MainWindow::loadPreset()
{
    const QStringList names = presetNames();
    if (names.isEmpty()) {
        QMessageBox::information(this, tr("Presets"), tr("No presets saved yet."));
        return;
    }
    bool ok = false;
    const QString name = QInputDialog::getItem(this, tr("Load Preset"), tr("Preset:"), names, 0, false, &ok);
    if (ok)
        applyPreset(name);
}

void MainWindow::showError(const QString& title, const QString& message)
{
    emit errorOccurred(title, message);
    if (!m_quietErrors)
        QMessageBox::warning(this, title, message);
}

bool MainWindow::confirmTileCount(const TilePlan& plan)
{
    const std::string why = tooManyTiles(plan);
    return why.empty()
        || confirm(tr("Many tiles"), tr("%1: the run will take long for nothing a larger tile would not give. "
                                        "Run it anyway?")
                                         .arg(QString::fromStdString(why)));
}

bool MainWindow::confirm(const QString& title, const QString& question)
{
    emit questionAsked(title, question);
    if (m_quietErrors)
        return m_quietAnswer;
    QMessageBox box(QMessageBox::Question, title, question, QMessageBox::Cancel, this);
    const QAbstractButton* proceed = box.addButton(tr("Continue"), QMessageBox::AcceptRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == proceed;
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Tessera"),
                       tr("<h3>Tessera %1</h3><p>Seamless tiled upscaling and refinement of images "
                          "with neural networks.</p><p>Models folder: %2</p>")
                           .arg(QApplication::applicationVersion(), modelsFolder()));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile())
        openImage(urls.first().toLocalFile());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_runId)
        m_engine->cancel(m_runId);
    m_diffusion->cancelRun();
    m_store.setUpscale(m_panel->settings());
    m_store.setRefine(refinePanel()->settings());
    m_store.setWorkflow(workflowPanel()->settings());
    m_store.setWindow(saveGeometry(), saveState());
    event->accept();
}

} // namespace tessera

#include "main_window.h"

#include "bridge/engine_controller.h"
#include "common/error.h"
#include "dialogs/export_dialog.h"
#include "dialogs/preferences_dialog.h"
#include "display/display_image.h"
#include "io/image_reader.h"
#include "io/image_writer.h"
#include "tiling/tile_plan.h"
#include "views/image_view.h"
#include "views/tile_overlay.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
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
#include <QSettings>
#include <QStatusBar>

namespace tessera {

namespace {
constexpr int kMaxRecentFiles = 10;
constexpr int kPreviewPatch = -1; ///< patch key of the live preview
const char* kRecentKey = "files/recent";
const char* kLastFolderKey = "files/lastFolder";
const char* kModelKey = "upscale/model";

QString formatDuration(double seconds)
{
    const int s = int(seconds + 0.5);
    if (s < 60)
        return QObject::tr("%1 s").arg(std::max(s, 1));
    if (s < 3600)
        return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString formatSeconds(double seconds)
{
    if (seconds < 0)
        return QObject::tr("estimating…");
    const int s = int(seconds + 0.5);
    if (s < 60)
        return QObject::tr("%1 s left").arg(s);
    return QObject::tr("%1 min %2 s left").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

void writePanelSettings(QSettings& settings, const UpscaleSettings& s)
{
    settings.setValue("tileSize", s.tileSize);
    settings.setValue("overlap", s.overlap);
    settings.setValue("halo", s.halo);
    settings.setValue("blend", s.blend);
    settings.setValue("outputScale", s.outputScale);
}

UpscaleSettings readPanelSettings(QSettings& settings, UpscaleSettings s)
{
    s.tileSize = settings.value("tileSize", s.tileSize).toInt();
    s.overlap = settings.value("overlap", s.overlap).toInt();
    s.halo = settings.value("halo", s.halo).toInt();
    s.blend = settings.value("blend", s.blend).toString();
    s.outputScale = settings.value("outputScale", s.outputScale).toInt();
    return s;
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
    m_panel->setDevices(EngineController::availableDevices());

    m_sizeLabel = new QLabel(this);
    m_zoomLabel = new QLabel(this);
    m_pixelLabel = new QLabel(this);
    statusBar()->addWidget(m_sizeLabel);
    statusBar()->addWidget(m_zoomLabel);
    statusBar()->addPermanentWidget(m_pixelLabel);

    m_previewTimer.setSingleShot(true);
    m_previewTimer.setInterval(120); // settle after the cursor or a slider stops
    connect(&m_previewTimer, &QTimer::timeout, this, [this] {
        const int tile = m_overlay->hoveredTile();
        const UpscaleSettings settings = m_panel->settings();
        if (!m_image || tile < 0 || !settings.livePreview || settings.modelPath.isEmpty()
            || m_engine->isRunning() || m_view->isComparing())
            return;
        m_engine->requestPreview(settings, tile);
    });

    connect(m_view, &ImageView::zoomChanged, this, [this](double zoom) {
        m_zoomLabel->setText(tr("Zoom %1%").arg(zoom * 100.0, 0, 'f', zoom < 0.1 ? 1 : 0));
    });
    connect(m_view, &ImageView::cursorPixelChanged, this, [this](QPoint pixel) {
        const Image* shown = m_view->isComparing() && m_result ? m_result.get() : m_image.get();
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
        // Per window, not a function static: a second window must not share it.
        if (m_overlay->hoveredTile() != m_lastHovered) {
            m_lastHovered = m_overlay->hoveredTile();
            schedulePreview();
        }
    });

    connect(m_panel, &UpscalePanel::settingsChanged, this, &MainWindow::updatePlan);
    connect(m_panel, &UpscalePanel::runRequested, this, &MainWindow::startRun);
    connect(m_panel, &UpscalePanel::cancelRequested, m_engine, &EngineController::cancelRun);
    connect(m_panel, &UpscalePanel::exportRequested, this, &MainWindow::exportDialog);

    connect(m_engine, &EngineController::previewReady, this, [this](quint64, QRect rect, QImage pixels) {
        const double s = m_planScale;
        m_view->setPatch(kPreviewPatch, QRectF(rect.x() / s, rect.y() / s, rect.width() / s, rect.height() / s),
                         pixels);
    });
    connect(m_engine, &EngineController::tileTimeMeasured, this, [this](double seconds) {
        const UpscaleSettings s = m_panel->settings();
        m_secondsPerTile = seconds;
        m_measuredFor = s.modelPath + QLatin1Char('|') + s.device + QLatin1Char('|') + s.precision;
        m_measuredArea = double(m_overlay->plan().paddedWidth()) * m_overlay->plan().paddedHeight();
        if (!m_engine->isRunning())
            updatePlanSummary();
    });
    connect(m_engine, &EngineController::previewFailed, this, [this](quint64, QString message) {
        statusBar()->showMessage(tr("Preview failed: %1").arg(message), 8000);
    });
    connect(m_engine, &EngineController::runStarted, this, [this](int) { m_overlay->resetStates(); });
    connect(m_engine, &EngineController::tileStarted, this,
            [this](int index) { m_overlay->setTileState(index, TileState::Running); });
    connect(m_engine, &EngineController::tileFinished, this, [this](int index, QRect rect, QImage pixels) {
        m_overlay->setTileState(index, TileState::Done);
        const double s = m_planScale;
        m_view->setPatch(index, QRectF(rect.x() / s, rect.y() / s, rect.width() / s, rect.height() / s), pixels);
    });
    connect(m_engine, &EngineController::runProgress, this, [this](int done, int total, double eta) {
        m_panel->setProgress(done, total, formatSeconds(eta));
    });
    connect(m_engine, &EngineController::runFinished, this, &MainWindow::showResult);
    connect(m_engine, &EngineController::runFailed, this, [this](QString message) {
        m_panel->setRunning(false);
        m_view->clearPatches();
        m_overlay->resetStates();
        updatePlan();
        showError(tr("Upscale failed"), message);
    });
    connect(m_engine, &EngineController::runCancelled, this, [this] {
        m_panel->setRunning(false);
        m_view->clearPatches();
        m_overlay->resetStates();
        updatePlan();
        statusBar()->showMessage(tr("Cancelled."), 5000);
    });

    createActions();
    updateTitle();
    loadModels(modelsFolder());
    restoreSettings();
    updatePlan();
}

MainWindow::~MainWindow() = default;

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
        UpscaleSettings s = m_panel->settings();
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
    const QString chosen = QSettings().value("models/folder").toString();
    return chosen.isEmpty() ? EngineController::defaultModelsFolder() : chosen;
}

void MainWindow::loadModels(const QString& folder)
{
    m_panel->setModels(EngineController::scanModels(folder));
}

void MainWindow::setModelPath(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    bool listed = false;
    for (const ModelChoice& model : m_panel->models())
        listed = listed || QFileInfo(model.path).absoluteFilePath() == absolute;
    if (!listed) {
        std::vector<ModelChoice> models = m_panel->models();
        const std::vector<ModelChoice> extra = EngineController::scanModels(QFileInfo(path).absolutePath());
        for (const ModelChoice& model : extra)
            if (QFileInfo(model.path).absoluteFilePath() == absolute)
                models.push_back(model);
        m_panel->setModels(models);
    }
    for (const ModelChoice& model : m_panel->models())
        if (QFileInfo(model.path).absoluteFilePath() == absolute)
            m_panel->selectModel(model.path);
}

void MainWindow::openDialog()
{
    QSettings settings;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Image"), settings.value(kLastFolderKey).toString(),
        tr("Images (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga *.hdr *.dpx);;All files (*)"));
    if (!path.isEmpty())
        openImage(path);
}

bool MainWindow::openImage(const QString& path)
{
    if (m_engine->isRunning()) {
        showError(tr("Upscale running"), tr("Cancel the running upscale before opening another image."));
        return false;
    }
    QApplication::setOverrideCursor(Qt::WaitCursor);
    try {
        auto image = std::make_shared<Image>(readImage(path.toStdString()));
        QApplication::restoreOverrideCursor();
        m_image = std::move(image);
    } catch (const Error& error) {
        QApplication::restoreOverrideCursor();
        showError(tr("Cannot open image"), tr("Tessera could not open %1.\n\n%2")
                                                  .arg(QFileInfo(path).fileName(), QString::fromStdString(error.what())));
        return false;
    }
    m_imagePath = path;
    m_result.reset();
    m_compareAction->setChecked(false);
    m_compareAction->setEnabled(false);
    m_exportAction->setEnabled(false);
    m_imageDisplay = toDisplayImage(*m_image);
    m_view->clearPatches();
    m_view->setImage(m_imageDisplay);
    m_engine->setImage(m_image);
    m_sizeLabel->setText(tr("%1 × %2, %3 channels, %4")
                             .arg(m_image->width())
                             .arg(m_image->height())
                             .arg(m_image->channels())
                             .arg(QString::fromLatin1(sampleTypeName(m_image->metadata().sourceSampleType))));

    QSettings settings;
    settings.setValue(kLastFolderKey, QFileInfo(path).absolutePath());
    QStringList recent = settings.value(kRecentKey).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecentFiles)
        recent.removeLast();
    settings.setValue(kRecentKey, recent);
    updateRecentMenu();
    updateTitle();
    updatePlan();
    return true;
}

void MainWindow::updatePlan()
{
    const UpscaleSettings s = m_panel->settings();
    m_gridAction->setChecked(s.showGrid);
    if (m_engine->isRunning()) {
        // The overlay keeps the plan the run works through (tile indices and
        // finished patches refer to it); the run's end re-plans.
        m_overlay->setVisible(s.showGrid);
        return;
    }
    const ModelChoice* model = m_panel->currentModel();
    // The scale of the output: the model's own, or the one the person chose.
    m_planScale = s.outputScale > 0 ? s.outputScale : (model ? model->scale : 1);
    m_view->clearPatches();
    m_engine->cancelPreview();
    if (!m_image) {
        m_overlay->setPlan(TilePlan());
        m_panel->setPlanSummary(tr("Open an image to see its tiles."));
        return;
    }
    TileSettings tiles;
    tiles.tileSize = s.tileSize;
    tiles.overlap = s.overlap;
    tiles.halo = s.halo;
    tiles.scale = m_planScale;
    try {
        const TilePlan plan(m_image->width(), m_image->height(), tiles);
        m_overlay->setPlan(plan);
        updatePlanSummary();
    } catch (const Error& error) {
        m_overlay->setPlan(TilePlan());
        m_panel->setPlanSummary(QString::fromStdString(error.what()));
    }
    m_overlay->setVisible(s.showGrid && !m_view->isComparing());
    schedulePreview();
}

void MainWindow::updatePlanSummary()
{
    const TilePlan& plan = m_overlay->plan();
    if (plan.tileCount() == 0)
        return;
    // A float32 padded tile in and out, plus the model's features (about
    // 64 channels at input size is typical of these networks).
    const double padded = double(plan.paddedWidth()) * plan.paddedHeight();
    const double megabytes = padded * 4.0 * (3.0 + 3.0 * m_planScale * m_planScale + 64.0) / (1 << 20);
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
    // Time: the last preview's seconds per tile, scaled by the padded tile's
    // area (the cost of these networks grows with the pixels they see).
    const UpscaleSettings s = m_panel->settings();
    const QString measuredFor = s.modelPath + QLatin1Char('|') + s.device + QLatin1Char('|') + s.precision;
    if (m_secondsPerTile >= 0 && measuredFor == m_measuredFor && m_measuredArea > 0) {
        const double seconds = m_secondsPerTile * padded / m_measuredArea * plan.tileCount();
        text += QLatin1Char('\n') + tr("About %1 for the whole image").arg(formatDuration(seconds));
    } else {
        text += QLatin1Char('\n') + tr("Hover over the image to preview a tile and estimate the time.");
    }
    m_panel->setPlanSummary(text);
}

void MainWindow::schedulePreview()
{
    m_view->clearPatches();
    m_engine->cancelPreview();
    if (m_panel->settings().livePreview && m_overlay->hoveredTile() >= 0)
        m_previewTimer.start();
}

void MainWindow::startRun()
{
    if (!m_image) {
        showError(tr("No image"), tr("Open an image to upscale first."));
        return;
    }
    if (!m_panel->currentModel()) {
        showError(tr("No model"),
                  tr("No upscale model was found in %1. Run scripts/fetch_models.sh or put "
                     ".pth, .safetensors or ncnn models there.")
                      .arg(modelsFolder()));
        return;
    }
    setCompare(false);
    m_compareAction->setChecked(false);
    m_view->setImage(m_imageDisplay);
    m_view->clearPatches();
    m_overlay->setVisible(m_panel->settings().showGrid);
    m_panel->setRunning(true);
    m_engine->startRun(m_panel->settings());
}

void MainWindow::showResult(std::shared_ptr<Image> result, const QString& report)
{
    m_result = std::move(result);
    m_panel->setRunning(false);
    m_view->clearPatches();
    m_overlay->resetStates();
    m_exportAction->setEnabled(true);
    m_compareAction->setEnabled(true);
    m_compareAction->setChecked(true);
    setCompare(true);
    updatePlan();
    statusBar()->showMessage(tr("Upscaled to %1 × %2. %3").arg(m_result->width()).arg(m_result->height()).arg(report),
                             10000);
}

void MainWindow::setCompare(bool on)
{
    if (on && m_result) {
        m_view->setImage(toDisplayImage(*m_result));
        m_view->setCompareImage(m_imageDisplay);
        m_overlay->setVisible(false);
    } else {
        m_view->setCompareImage(QImage());
        if (!m_imageDisplay.isNull() && m_view->image().size() != m_imageDisplay.size())
            m_view->setImage(m_imageDisplay);
        m_overlay->setVisible(m_panel->settings().showGrid);
    }
}

void MainWindow::exportDialog()
{
    if (!m_result)
        return;
    ExportDialog dialog(QFileInfo(m_imagePath).dir().filePath(QFileInfo(m_imagePath).completeBaseName() + "-upscaled.png"),
                        this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const ExportChoice c = dialog.choice();
    exportResult(c.path, c.bits, c.quality, c.keepMetadata);
}

bool MainWindow::exportResult(const QString& path, int bits, int quality, bool keepMetadata)
{
    if (!m_result)
        return false;
    WriteOptions options;
    options.bits = bits;
    options.quality = quality;
    options.keepMetadata = keepMetadata;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    try {
        writeImage(*m_result, path.toStdString(), options);
        QApplication::restoreOverrideCursor();
        statusBar()->showMessage(tr("Exported %1").arg(QFileInfo(path).fileName()), 5000);
        return true;
    } catch (const Error& error) {
        QApplication::restoreOverrideCursor();
        showError(tr("Export failed"), tr("Tessera could not write %1.\n\n%2\n\nAny earlier file there is unchanged.")
                                           .arg(QFileInfo(path).fileName(), QString::fromStdString(error.what())));
        return false;
    }
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
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
    QSettings settings;
    settings.beginGroup("presets/" + name);
    writePanelSettings(settings, m_panel->settings());
    settings.endGroup();
}

QStringList MainWindow::presetNames() const
{
    QSettings settings;
    settings.beginGroup("presets");
    return settings.childGroups();
}

bool MainWindow::applyPreset(const QString& name)
{
    if (!presetNames().contains(name))
        return false;
    QSettings settings;
    settings.beginGroup("presets/" + name);
    m_panel->setSettings(readPanelSettings(settings, m_panel->settings()));
    settings.endGroup();
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

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    const UpscaleSettings s = m_panel->settings();
    settings.setValue(kModelKey, s.modelPath);
    settings.setValue("upscale/device", s.device);
    settings.setValue("upscale/precision", s.precision);
    settings.setValue("upscale/showGrid", s.showGrid);
    settings.setValue("upscale/livePreview", s.livePreview);
    settings.beginGroup("upscale/tiles");
    writePanelSettings(settings, s);
    settings.endGroup();
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    if (!settings.contains("window/geometry"))
        resize(1280, 820);
    UpscaleSettings s = m_panel->settings();
    s.modelPath = settings.value(kModelKey, s.modelPath).toString();
    s.device = settings.value("upscale/device", s.device).toString();
    s.precision = settings.value("upscale/precision", s.precision).toString();
    s.showGrid = settings.value("upscale/showGrid", s.showGrid).toBool();
    s.livePreview = settings.value("upscale/livePreview", s.livePreview).toBool();
    settings.beginGroup("upscale/tiles");
    s = readPanelSettings(settings, s);
    settings.endGroup();
    m_panel->setSettings(s);
}

void MainWindow::showError(const QString& title, const QString& message)
{
    emit errorOccurred(title, message);
    if (!m_quietErrors)
        QMessageBox::warning(this, title, message);
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
    m_engine->cancelRun();
    saveSettings();
    event->accept();
}

} // namespace tessera

#pragma once
/// The main window: the image view with its tile-grid overlay in the middle,
/// the upscale panel at the side, the status bar with size, zoom and the
/// pixel value under the cursor. Runs go through the EngineController, so the
/// window stays responsive while the engine works.

#include "image/image.h"
#include "panels/upscale_panel.h"

#include <QMainWindow>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <memory>

class QAction;
class QLabel;
class QMenu;

namespace tessera {

class EngineController;
class ImageView;
class TileOverlay;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens `path`; shows a message and keeps the current image on failure.
    bool openImage(const QString& path);
    /// Selects the model at `path` (added to the list if it is outside the models folder).
    void setModelPath(const QString& path);
    /// Scans `folder` for models and fills the model picker.
    void loadModels(const QString& folder);
    /// The models folder from the preferences, else $TESSERA_MODELS or ~/.local/share/tessera/models.
    QString modelsFolder() const;

    ImageView* imageView() const { return m_view; }
    TileOverlay* tileOverlay() const { return m_overlay; }
    UpscalePanel* upscalePanel() const { return m_panel; }
    EngineController* engine() const { return m_engine; }
    /// The result of the last run, or nullptr.
    std::shared_ptr<const Image> result() const { return m_result; }
    /// Writes the result; shows a message and returns false on failure.
    bool exportResult(const QString& path, int bits, int quality, bool keepMetadata);

    /// Saves the panel's tile settings as preset `name` (what Presets > Save does after asking).
    void savePresetAs(const QString& name);
    /// Loads preset `name` into the panel; false when there is no such preset.
    bool applyPreset(const QString& name);
    QStringList presetNames() const;

    /// Quiet: errors only go to errorOccurred, no message box waits for a
    /// click (for tests and scripted use).
    void setQuietErrors(bool quiet) { m_quietErrors = quiet; }

signals:
    /// Every error the window reports (also shown in a message box unless quiet).
    void errorOccurred(const QString& title, const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void openDialog();
    void exportDialog();
    void updateTitle();
    void updateRecentMenu();
    void updatePlan();
    void updatePlanSummary();
    void schedulePreview();
    void startRun();
    void showResult(std::shared_ptr<Image> result, const QString& report);
    void setCompare(bool on);
    void showAbout();
    void showError(const QString& title, const QString& message);
    void saveSettings() const;
    void restoreSettings();
    void savePreset();
    void loadPreset();

    EngineController* m_engine = nullptr;
    ImageView* m_view = nullptr;
    TileOverlay* m_overlay = nullptr;
    UpscalePanel* m_panel = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_presetMenu = nullptr;
    QAction* m_gridAction = nullptr;
    QAction* m_compareAction = nullptr;
    QAction* m_exportAction = nullptr;
    QLabel* m_sizeLabel = nullptr;
    QLabel* m_zoomLabel = nullptr;
    QLabel* m_pixelLabel = nullptr;
    QTimer m_previewTimer;
    std::shared_ptr<Image> m_image;
    std::shared_ptr<Image> m_result;
    QImage m_imageDisplay;
    QString m_imagePath;
    int m_planScale = 1;
    double m_secondsPerTile = -1.0; ///< measured by previews; negative until one ran
    double m_measuredArea = 0.0;    ///< padded tile area (pixels) of that measurement
    QString m_measuredFor;          ///< "model|device|precision" of that measurement
    int m_lastHovered = -2; ///< the hovered tile the last preview was scheduled for
    bool m_quietErrors = false;
};

} // namespace tessera

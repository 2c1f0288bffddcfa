#pragma once
/// The side panel of an upscale: model, device and precision, tile size /
/// overlap / halo (sliders with spin boxes, each with an automatic choice),
/// blend ramp, output scale, the tile-grid toggle, and the run buttons. It
/// holds typed values only; core plans them and the bridge runs them.

#include "bridge/model_choice.h"
#include "pipeline/upscale_plan.h"

#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;

namespace tessera {

/// Everything the panel lets a person choose: the upscale job's settings and
/// how the view shows them.
struct UpscalePanelSettings {
    UpscaleSettings job;
    bool showGrid = true;
    bool livePreview = true;
};

class UpscalePanel : public QWidget {
    Q_OBJECT
public:
    explicit UpscalePanel(QWidget* parent = nullptr);

    void setModels(const std::vector<ModelChoice>& models);
    const std::vector<ModelChoice>& models() const { return m_models; }
    /// The chosen model, or nullptr when the list is empty.
    const ModelChoice* currentModel() const;
    void selectModel(const QString& path);

    void setDevices(const QStringList& devices);

    UpscalePanelSettings settings() const;
    void setSettings(const UpscalePanelSettings& settings);

    /// Text under the sliders: tile count, memory and time estimates.
    void setPlanSummary(const QString& text);
    /// Switches the buttons between idle and running, and shows progress.
    void setRunning(bool running);
    void setProgress(int done, int total, const QString& eta);

    // For tests: the controls.
    QSlider* tileSlider() const { return m_tileSlider; }
    QSlider* overlapSlider() const { return m_overlapSlider; }
    QSlider* haloSlider() const { return m_haloSlider; }
    QSpinBox* tileSpin() const { return m_tileSpin; }
    QPushButton* runButton() const { return m_runButton; }

signals:
    /// Any tiling value, the model or the scale changed.
    void settingsChanged();
    void runRequested();
    void cancelRequested();
    void exportRequested();

private:
    void connectSliderAndSpin(QSlider* slider, QSpinBox* spin);

    std::vector<ModelChoice> m_models;
    QWidget* m_modelBox = nullptr;
    QWidget* m_tileBox = nullptr;
    QComboBox* m_modelCombo = nullptr;
    QLabel* m_modelInfo = nullptr;
    QComboBox* m_deviceCombo = nullptr;
    QComboBox* m_precisionCombo = nullptr;
    QSlider* m_tileSlider = nullptr;
    QSpinBox* m_tileSpin = nullptr;
    QSlider* m_overlapSlider = nullptr;
    QSpinBox* m_overlapSpin = nullptr;
    QSlider* m_haloSlider = nullptr;
    QSpinBox* m_haloSpin = nullptr;
    QComboBox* m_blendCombo = nullptr;
    QSpinBox* m_scaleSpin = nullptr;
    QCheckBox* m_gridCheck = nullptr;
    QCheckBox* m_previewCheck = nullptr;
    QLabel* m_planSummary = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_etaLabel = nullptr;
    QPushButton* m_runButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_exportButton = nullptr;
};

} // namespace tessera

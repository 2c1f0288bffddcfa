#pragma once
/// The side panel of a workflow (Mikey Sampler Tiled): generate with the
/// base and the refiner checkpoint, upscale with an upscale model by a
/// factor, then refine in tiles with the base or the refiner. It can start
/// from the opened image instead of the prompt. The passes of the
/// generation are the workflow's (workflowGeneration()); the panel keeps
/// whatever setSettings() gave for the values it has no control for.

#include "bridge/model_listing.h"
#include "pipeline/workflow_settings.h"

#include <QStringList>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QPlainTextEdit;
class QSpinBox;

namespace tessera {

class RunControls;
class SeedEdit;

class WorkflowPanel : public QWidget {
    Q_OBJECT
public:
    explicit WorkflowPanel(QWidget* parent = nullptr);

    /// The checkpoints, VAEs and upscale models of a scan.
    void setModels(const std::vector<ModelListing>& listing);
    void setDevices(const QStringList& devices);

    WorkflowSettings settings() const;
    void setSettings(const WorkflowSettings& settings);
    /// Start from the opened image (the generation is skipped).
    bool startFromImage() const;
    void setStartFromImage(bool on);

    void setRunning(bool running);
    void setProgress(int done, int total, const QString& stage, const QString& eta);

    // For tests: the controls.
    QComboBox* baseCombo() const { return m_baseCombo; }
    QComboBox* refinerCombo() const { return m_refinerCombo; }
    RunControls* runControls() const { return m_run; }

signals:
    void runRequested();
    void cancelRequested();

private:
    WorkflowSettings m_base; ///< the values without a control
    QWidget* m_settingsBox = nullptr;
    QComboBox* m_baseCombo = nullptr;
    QComboBox* m_refinerCombo = nullptr;
    QComboBox* m_vaeCombo = nullptr;
    QComboBox* m_deviceCombo = nullptr;
    QComboBox* m_precisionCombo = nullptr;
    QPlainTextEdit* m_promptEdit = nullptr;
    QPlainTextEdit* m_negativeEdit = nullptr;
    SeedEdit* m_seedEdit = nullptr;
    QSpinBox* m_widthSpin = nullptr;
    QSpinBox* m_heightSpin = nullptr;
    QComboBox* m_upscaleCombo = nullptr;
    QDoubleSpinBox* m_upscaleBySpin = nullptr;
    QComboBox* m_tilerCombo = nullptr;
    QDoubleSpinBox* m_tilerDenoiseSpin = nullptr;
    QSpinBox* m_tileSpin = nullptr;
    QCheckBox* m_startCheck = nullptr;
    RunControls* m_run = nullptr;
};

} // namespace tessera

#pragma once
/// The side panel of a refinement: the diffusion checkpoint and VAE (from
/// the scan), device and precision, prompt and negative prompt, the pass
/// (sampler, scheduler, steps, cfg, seed with a dice button, denoise), the
/// tiles (mode, size, overlap), HyperTile, the live preview of the tile
/// under the cursor, and Run / Cancel. It holds the RefineSettings it
/// describes; the window plans and runs them through the bridge.

#include "bridge/model_listing.h"
#include "pipeline/refine_settings.h"

#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QPlainTextEdit;
class QSpinBox;

namespace tessera {

class RunControls;
class SeedEdit;

class RefinePanel : public QWidget {
    Q_OBJECT
public:
    /// `samplers` and `schedulers`: the names the engine knows.
    RefinePanel(const QStringList& samplers, const QStringList& schedulers, QWidget* parent = nullptr);

    /// The diffusion checkpoints and VAEs of a scan.
    void setModels(const std::vector<ModelListing>& listing);
    void setDevices(const QStringList& devices);

    /// What the panel describes. Values it has no control for (vocabulary,
    /// clip skip, halo, batch, ramp) are those of the last setSettings().
    RefineSettings settings() const;
    void setSettings(const RefineSettings& settings);
    /// Refine the tile under the cursor as a preview.
    bool livePreview() const;

    /// Text under the tiles: tile count and notes, or why there is no plan.
    void setPlanSummary(const QString& text);
    /// Switches between idle and running (the settings stay put while running).
    void setRunning(bool running);
    void setProgress(int done, int total, const QString& stage, const QString& eta);

    // For tests: the controls.
    QComboBox* checkpointCombo() const { return m_checkpointCombo; }
    QPlainTextEdit* promptEdit() const { return m_promptEdit; }
    SeedEdit* seedEdit() const { return m_seedEdit; }
    QGroupBox* hyperTileBox() const { return m_hyperTileBox; }
    QCheckBox* previewCheck() const { return m_previewCheck; }
    QLabel* planSummary() const { return m_planSummary; }
    RunControls* runControls() const { return m_run; }

signals:
    /// A value that changes the plan or the result changed.
    void settingsChanged();
    void livePreviewToggled(bool on);
    void runRequested();
    void cancelRequested();

private:
    RefineSettings m_base; ///< the values without a control
    QWidget* m_settingsBox = nullptr;
    QComboBox* m_checkpointCombo = nullptr;
    QComboBox* m_refinerCombo = nullptr;
    QComboBox* m_vaeCombo = nullptr;
    QComboBox* m_deviceCombo = nullptr;
    QComboBox* m_precisionCombo = nullptr;
    QPlainTextEdit* m_promptEdit = nullptr;
    QPlainTextEdit* m_negativeEdit = nullptr;
    QComboBox* m_samplerCombo = nullptr;
    QComboBox* m_schedulerCombo = nullptr;
    QSpinBox* m_stepsSpin = nullptr;
    QDoubleSpinBox* m_cfgSpin = nullptr;
    QDoubleSpinBox* m_denoiseSpin = nullptr;
    SeedEdit* m_seedEdit = nullptr;
    QComboBox* m_modeCombo = nullptr;
    QSpinBox* m_tileSpin = nullptr;
    QSpinBox* m_overlapSpin = nullptr;
    QGroupBox* m_hyperTileBox = nullptr;
    QSpinBox* m_hyperTileSizeSpin = nullptr;
    QSpinBox* m_swapSizeSpin = nullptr;
    QSpinBox* m_maxDepthSpin = nullptr;
    QCheckBox* m_scaleDepthCheck = nullptr;
    QCheckBox* m_hyperTileVaeCheck = nullptr;
    QCheckBox* m_previewCheck = nullptr;
    QLabel* m_planSummary = nullptr;
    RunControls* m_run = nullptr;
};

} // namespace tessera

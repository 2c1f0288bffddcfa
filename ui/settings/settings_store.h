#pragma once
/// What the app remembers between sessions, in one place: the upscale
/// panel's settings, the refine and workflow panels' (prompts included), named presets of tile settings, recent files, the last
/// folder, the models folder and the window's geometry. A thin typed layer
/// over QSettings, so the window never spells a key.

#include "panels/upscale_panel.h"
#include "pipeline/refine_settings.h"
#include "pipeline/workflow_settings.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace tessera {

class SettingsStore {
public:
    UpscalePanelSettings upscale(const UpscalePanelSettings& defaults) const;
    void setUpscale(const UpscalePanelSettings& settings);

    /// The refine panel's settings: checkpoint, VAE, prompts, the pass, the tiles, HyperTile.
    RefineSettings refine(const RefineSettings& defaults) const;
    void setRefine(const RefineSettings& settings);
    /// The workflow panel's: checkpoints, prompts, seed, upscale model and factor, the tiler.
    WorkflowSettings workflow(const WorkflowSettings& defaults) const;
    void setWorkflow(const WorkflowSettings& settings);

    /// Presets hold the tile settings only (size, overlap, halo, blend, output scale).
    QStringList presetNames() const;
    void savePreset(const QString& name, const UpscaleSettings& settings);
    /// `base` with preset `name`'s tile settings; nullopt when there is no such preset.
    std::optional<UpscaleSettings> preset(const QString& name, const UpscaleSettings& base) const;

    QStringList recentFiles() const;
    /// Puts `path` first (at most 10 are kept).
    void addRecentFile(const QString& path);
    QString lastFolder() const;
    void setLastFolder(const QString& folder);

    /// The models folder chosen in the preferences; empty for the default.
    QString modelsFolder() const;
    void setModelsFolder(const QString& folder);

    QByteArray windowGeometry() const;
    QByteArray windowState() const;
    void setWindow(const QByteArray& geometry, const QByteArray& state);
};

} // namespace tessera

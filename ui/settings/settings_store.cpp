#include "settings/settings_store.h"

#include <QFileInfo>
#include <QSettings>

namespace tessera {

namespace {

constexpr int kMaxRecentFiles = 10;

void writeTiles(QSettings& settings, const UpscaleSettings& s)
{
    settings.setValue("tileSize", s.tileSize);
    settings.setValue("overlap", s.overlap);
    settings.setValue("halo", s.halo);
    settings.setValue("blend", QString::fromLatin1(blendRampName(s.blend)));
    settings.setValue("outputScale", s.outputScale);
}

UpscaleSettings readTiles(QSettings& settings, UpscaleSettings s)
{
    s.tileSize = settings.value("tileSize", s.tileSize).toInt();
    s.overlap = settings.value("overlap", s.overlap).toInt();
    s.halo = settings.value("halo", s.halo).toInt();
    const QString blend = settings.value("blend").toString();
    for (BlendRamp ramp : {BlendRamp::Linear, BlendRamp::Smoothstep, BlendRamp::Gaussian})
        if (blend == QLatin1String(blendRampName(ramp)))
            s.blend = ramp;
    s.outputScale = settings.value("outputScale", s.outputScale).toInt();
    return s;
}

} // namespace

UpscalePanelSettings SettingsStore::upscale(const UpscalePanelSettings& defaults) const
{
    QSettings settings;
    UpscalePanelSettings s = defaults;
    s.job.modelPath = settings.value("upscale/model", QString::fromStdString(s.job.modelPath)).toString().toStdString();
    // A value this version cannot read (written by another one) keeps the default.
    try {
        s.job.device = parseDevice(settings.value("upscale/device", "cpu").toString().toStdString());
    } catch (const std::exception&) {
    }
    try {
        s.job.precision = parsePrecision(settings.value("upscale/precision", "fp32").toString().toStdString());
    } catch (const std::exception&) {
    }
    s.showGrid = settings.value("upscale/showGrid", s.showGrid).toBool();
    s.livePreview = settings.value("upscale/livePreview", s.livePreview).toBool();
    settings.beginGroup("upscale/tiles");
    s.job = readTiles(settings, s.job);
    settings.endGroup();
    return s;
}

void SettingsStore::setUpscale(const UpscalePanelSettings& s)
{
    QSettings settings;
    settings.setValue("upscale/model", QString::fromStdString(s.job.modelPath));
    settings.setValue("upscale/device", QString::fromStdString(deviceName(s.job.device)));
    settings.setValue("upscale/precision", QString::fromLatin1(precisionName(s.job.precision)));
    settings.setValue("upscale/showGrid", s.showGrid);
    settings.setValue("upscale/livePreview", s.livePreview);
    settings.beginGroup("upscale/tiles");
    writeTiles(settings, s.job);
    settings.endGroup();
}

QStringList SettingsStore::presetNames() const
{
    QSettings settings;
    settings.beginGroup("presets");
    return settings.childGroups();
}

void SettingsStore::savePreset(const QString& name, const UpscaleSettings& s)
{
    QSettings settings;
    settings.beginGroup("presets/" + name);
    writeTiles(settings, s);
    settings.endGroup();
}

std::optional<UpscaleSettings> SettingsStore::preset(const QString& name, const UpscaleSettings& base) const
{
    if (!presetNames().contains(name))
        return std::nullopt;
    QSettings settings;
    settings.beginGroup("presets/" + name);
    return readTiles(settings, base);
}

QStringList SettingsStore::recentFiles() const
{
    return QSettings().value("files/recent").toStringList();
}

void SettingsStore::addRecentFile(const QString& path)
{
    QStringList recent = recentFiles();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecentFiles)
        recent.removeLast();
    QSettings().setValue("files/recent", recent);
}

QString SettingsStore::lastFolder() const
{
    return QSettings().value("files/lastFolder").toString();
}

void SettingsStore::setLastFolder(const QString& folder)
{
    QSettings().setValue("files/lastFolder", folder);
}

QString SettingsStore::modelsFolder() const
{
    return QSettings().value("models/folder").toString();
}

void SettingsStore::setModelsFolder(const QString& folder)
{
    QSettings().setValue("models/folder", folder);
}

QByteArray SettingsStore::windowGeometry() const
{
    return QSettings().value("window/geometry").toByteArray();
}

QByteArray SettingsStore::windowState() const
{
    return QSettings().value("window/state").toByteArray();
}

void SettingsStore::setWindow(const QByteArray& geometry, const QByteArray& state)
{
    QSettings settings;
    settings.setValue("window/geometry", geometry);
    settings.setValue("window/state", state);
}

} // namespace tessera

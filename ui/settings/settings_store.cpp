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

/// Runs `parse` on `text`; a value this version cannot read (written by
/// another one) keeps `fallback`.
template <typename T, typename Parse>
T parsedOr(const QVariant& text, T fallback, Parse parse)
{
    if (!text.isValid())
        return fallback;
    try {
        return parse(text.toString().toStdString());
    } catch (const std::exception&) {
        return fallback;
    }
}

std::string readString(QSettings& settings, const char* key, const std::string& fallback)
{
    return settings.value(key, QString::fromStdString(fallback)).toString().toStdString();
}

void writeString(QSettings& settings, const char* key, const std::string& value)
{
    settings.setValue(key, QString::fromStdString(value));
}

/// The device and precision of a diffusion panel.
void writeDevice(QSettings& settings, const DeviceSpec& device, Precision precision)
{
    settings.setValue("device", QString::fromStdString(deviceName(device)));
    settings.setValue("precision", QString::fromLatin1(precisionName(precision)));
}

void readDevice(QSettings& settings, DeviceSpec& device, Precision& precision)
{
    device = parsedOr(settings.value("device"), device, parseDevice);
    precision = parsedOr(settings.value("precision"), precision, parsePrecision);
}

} // namespace

RefineSettings SettingsStore::refine(const RefineSettings& defaults) const
{
    QSettings settings;
    settings.beginGroup("refine");
    RefineSettings s = defaults;
    s.checkpoint = readString(settings, "checkpoint", s.checkpoint);
    s.refinerCheckpoint = readString(settings, "refiner", s.refinerCheckpoint);
    s.vaePath = readString(settings, "vae", s.vaePath);
    s.prompt = readString(settings, "prompt", s.prompt);
    s.negativePrompt = readString(settings, "negativePrompt", s.negativePrompt);
    s.sampler = readString(settings, "sampler", s.sampler);
    s.scheduler = readString(settings, "scheduler", s.scheduler);
    s.steps = settings.value("steps", s.steps).toInt();
    s.cfg = settings.value("cfg", s.cfg).toDouble();
    s.denoise = settings.value("denoise", s.denoise).toDouble();
    s.seed = settings.value("seed", qulonglong(s.seed)).toULongLong();
    s.mode = parsedOr(settings.value("mode"), s.mode, parseRefineMode);
    s.tileSize = settings.value("tileSize", s.tileSize).toInt();
    s.overlap = settings.value("overlap", s.overlap).toInt();
    readDevice(settings, s.device, s.precision);
    if (settings.value("hyperTile", s.hyperTile.has_value()).toBool()) {
        sd::HyperTileOptions h = s.hyperTile.value_or(sd::HyperTileOptions{});
        h.tileSize = settings.value("hyperTileSize", h.tileSize).toInt();
        h.swapSize = settings.value("hyperTileSwap", h.swapSize).toInt();
        h.maxDepth = settings.value("hyperTileDepth", h.maxDepth).toInt();
        h.scaleDepth = settings.value("hyperTileScaleDepth", h.scaleDepth).toBool();
        h.vae = settings.value("hyperTileVae", h.vae).toBool();
        s.hyperTile = h;
    } else {
        s.hyperTile.reset();
    }
    return s;
}

void SettingsStore::setRefine(const RefineSettings& s)
{
    QSettings settings;
    settings.beginGroup("refine");
    writeString(settings, "checkpoint", s.checkpoint);
    writeString(settings, "refiner", s.refinerCheckpoint);
    writeString(settings, "vae", s.vaePath);
    writeString(settings, "prompt", s.prompt);
    writeString(settings, "negativePrompt", s.negativePrompt);
    writeString(settings, "sampler", s.sampler);
    writeString(settings, "scheduler", s.scheduler);
    settings.setValue("steps", s.steps);
    settings.setValue("cfg", s.cfg);
    settings.setValue("denoise", s.denoise);
    settings.setValue("seed", qulonglong(s.seed));
    settings.setValue("mode", QString::fromLatin1(refineModeName(s.mode)));
    settings.setValue("tileSize", s.tileSize);
    settings.setValue("overlap", s.overlap);
    writeDevice(settings, s.device, s.precision);
    settings.setValue("hyperTile", s.hyperTile.has_value());
    if (s.hyperTile) {
        settings.setValue("hyperTileSize", s.hyperTile->tileSize);
        settings.setValue("hyperTileSwap", s.hyperTile->swapSize);
        settings.setValue("hyperTileDepth", s.hyperTile->maxDepth);
        settings.setValue("hyperTileScaleDepth", s.hyperTile->scaleDepth);
        settings.setValue("hyperTileVae", s.hyperTile->vae);
    }
}

WorkflowSettings SettingsStore::workflow(const WorkflowSettings& defaults) const
{
    QSettings settings;
    settings.beginGroup("workflow");
    WorkflowSettings s = defaults;
    GenerationSettings& g = s.generation;
    g.checkpoint = readString(settings, "checkpoint", g.checkpoint);
    g.refinerCheckpoint = readString(settings, "refiner", g.refinerCheckpoint);
    g.vaePath = readString(settings, "vae", g.vaePath);
    g.prompt = readString(settings, "prompt", g.prompt);
    g.negativePrompt = readString(settings, "negativePrompt", g.negativePrompt);
    g.seed = settings.value("seed", qulonglong(g.seed)).toULongLong();
    g.width = settings.value("width", g.width).toInt();
    g.height = settings.value("height", g.height).toInt();
    readDevice(settings, g.device, g.precision);
    s.upscaleModel = readString(settings, "upscaleModel", s.upscaleModel);
    s.upscaleBy = settings.value("upscaleBy", s.upscaleBy).toDouble();
    s.tilerModel = parsedOr(settings.value("tilerModel"), s.tilerModel, parseTilerModel);
    s.refine.denoise = settings.value("tilerDenoise", s.refine.denoise).toDouble();
    s.refine.tileSize = settings.value("tileSize", s.refine.tileSize).toInt();
    return s;
}

void SettingsStore::setWorkflow(const WorkflowSettings& s)
{
    QSettings settings;
    settings.beginGroup("workflow");
    const GenerationSettings& g = s.generation;
    writeString(settings, "checkpoint", g.checkpoint);
    writeString(settings, "refiner", g.refinerCheckpoint);
    writeString(settings, "vae", g.vaePath);
    writeString(settings, "prompt", g.prompt);
    writeString(settings, "negativePrompt", g.negativePrompt);
    settings.setValue("seed", qulonglong(g.seed));
    settings.setValue("width", g.width);
    settings.setValue("height", g.height);
    writeDevice(settings, g.device, g.precision);
    writeString(settings, "upscaleModel", s.upscaleModel);
    settings.setValue("upscaleBy", s.upscaleBy);
    settings.setValue("tilerModel", QString::fromLatin1(tilerModelName(s.tilerModel)));
    settings.setValue("tilerDenoise", s.refine.denoise);
    settings.setValue("tileSize", s.refine.tileSize);
}

UpscalePanelSettings SettingsStore::upscale(const UpscalePanelSettings& defaults) const
{
    QSettings settings;
    UpscalePanelSettings s = defaults;
    s.job.modelPath = settings.value("upscale/model", QString::fromStdString(s.job.modelPath)).toString().toStdString();
    setDevices(s.job, parsedOr(settings.value("upscale/device", "cpu"), devicesOf(s.job), parseDevices));
    s.job.precision = parsedOr(settings.value("upscale/precision", "fp32"), s.job.precision, parsePrecision);
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
    settings.setValue("upscale/device", QString::fromStdString(devicesName(devicesOf(s.job))));
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

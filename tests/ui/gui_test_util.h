#pragma once
// Shared by the gui tests: settings kept away from the user's, the models
// folder, and small test images written with tessera_io.

#include "test_data.h"

#include "dialogs/export_dialog.h"
#include "image/image.h"
#include "io/image_writer.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tessera::test {

/// Points QSettings and QStandardPaths at `configDir` and gives the
/// application test-only names, so no test reads or writes the user's
/// settings. Call before the first QSettings is made.
inline void isolateSettings(const QTemporaryDir& configDir, const QString& testName)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("TesseraTests"));
    QCoreApplication::setApplicationName(testName);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, configDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, configDir.path());
    QSettings().clear();
}

/// The models folder: $TESSERA_MODELS, else ~/.local/share/tessera/models.
inline QString modelsFolder()
{
    return test::modelsDir();
}

/// Points the app's models folder ($TESSERA_MODELS) at `dir`, holding links
/// to those of `files` (relative to modelsFolder()) that exist: the window
/// scans its models folder when it opens, and scanning a whole collection
/// takes seconds. Returns the links made.
inline QStringList useModelsFolder(const QTemporaryDir& dir, const QStringList& files)
{
    const QString real = modelsFolder();
    QStringList linked;
    for (const QString& file : files) {
        const QString target = real + QLatin1Char('/') + file;
        const QString link = dir.filePath(QFileInfo(file).fileName());
        if (QFileInfo::exists(target) && QFile::link(target, link))
            linked << link;
    }
    qputenv("TESSERA_MODELS", QFile::encodeName(dir.path()));
    return linked;
}

/// A width x height RGB image: smooth gradients plus deterministic noise
/// (so a model has real detail to work on).
inline Image gradientImage(int width, int height)
{
    Image image(width, height, 3);
    uint32_t state = 12345;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < 3; ++c) {
                state = state * 1664525u + 1013904223u;
                const float noise = float(state >> 8) / float(1u << 24) - 0.5f;
                const float base = c == 0 ? float(x) / float(width) : c == 1 ? float(y) / float(height)
                                                                         : 0.5f + 0.4f * std::sin(0.3f * float(x + y));
                image.at(x, y, c) = std::clamp(base + 0.15f * noise, 0.0f, 1.0f);
            }
    return image;
}

/// Writes gradientImage(width, height) as a 16-bit PNG named `name` in `dir`.
inline QString writeGradientImage(const QTemporaryDir& dir, const QString& name, int width, int height)
{
    const QString path = dir.filePath(name);
    WriteOptions options;
    options.bits = 16;
    writeImage(gradientImage(width, height), path.toStdString(), options);
    return path;
}

/// Waits until `spy` has a signal (or `timeoutMs` passed); true when it has.
inline bool waitFor(QSignalSpy& spy, int timeoutMs = 30000)
{
    return !spy.isEmpty() || spy.wait(timeoutMs);
}

/// Opens `path` in `window` and waits for the file thread to read it; true
/// when the image is shown.
template <typename Window>
bool openAndWait(Window& window, const QString& path)
{
    QSignalSpy opened(&window, &Window::imageOpened);
    if (!window.openImage(path))
        return false;
    return waitFor(opened) && opened.first().at(0).toBool();
}

/// Starts an export and waits for it; true when the file was written.
template <typename Window>
bool exportAndWait(Window& window, const QString& path, int bits, int quality, bool keepMetadata)
{
    QSignalSpy finished(&window, &Window::exportFinished);
    ExportChoice choice;
    choice.path = path;
    choice.bits = bits;
    choice.quality = quality;
    choice.keepMetadata = keepMetadata;
    if (!window.exportResult(choice))
        return false;
    return waitFor(finished) && finished.first().at(0).toBool();
}

/// Waits for the window's first scan of its models folder to be listed.
template <typename Window>
void waitForModels(Window& window)
{
    QSignalSpy loaded(&window, &Window::modelsLoaded);
    if (window.upscalePanel()->models().empty() && QFileInfo(window.modelsFolder()).isDir())
        waitFor(loaded, 20000);
}

/// Selects the model at `path` and waits until the panel has it chosen.
template <typename Window>
bool selectModelAndWait(Window& window, const QString& path)
{
    waitForModels(window);
    window.setModelPath(path);
    const QString wanted = QFileInfo(path).absoluteFilePath();
    for (int i = 0; i < 400; ++i) {
        const auto* model = window.upscalePanel()->currentModel();
        if (model && QFileInfo(model->path).absoluteFilePath() == wanted)
            return true;
        QSignalSpy loaded(&window, &Window::modelsLoaded);
        loaded.wait(50);
    }
    return false;
}

} // namespace tessera::test

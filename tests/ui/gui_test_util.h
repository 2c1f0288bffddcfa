#pragma once
// Shared by the gui tests: settings kept away from the user's, the models
// folder, and small test images written with tessera_io.

#include "test_data.h"

#include "image/image.h"
#include "io/image_writer.h"

#include <QCoreApplication>
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

} // namespace tessera::test

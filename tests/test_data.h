#pragma once
// Where the tests find the real files the setup scripts fetched: the models
// (scripts/fetch_models.sh) and the test photographs (scripts/fetch_testdata.sh).

#include <QDir>
#include <QFileInfo>
#include <QString>
#include <QStringList>

namespace tessera::test {

/// $TESSERA_MODELS, else ~/.local/share/tessera/models.
inline QString modelsDir()
{
    const QByteArray env = qgetenv("TESSERA_MODELS");
    if (!env.isEmpty())
        return QString::fromLocal8Bit(env);
    return QDir::homePath() + "/.local/share/tessera/models";
}

/// The photo `name` (chelsea.png, astronaut.png) from $TESSERA_TEST_PHOTOS,
/// ~/.local/share/tessera/testdata/photos or an installed scikit-image;
/// empty when none has it.
inline QString findPhoto(const QString& name)
{
    QStringList dirs;
    const QByteArray env = qgetenv("TESSERA_TEST_PHOTOS");
    if (!env.isEmpty())
        dirs << QString::fromLocal8Bit(env);
    dirs << QDir::homePath() + "/.local/share/tessera/testdata/photos"
         << "/usr/lib/python3/dist-packages/skimage/data";
    for (const QString& dir : dirs)
        if (QFileInfo::exists(dir + "/" + name))
            return dir + "/" + name;
    return {};
}

} // namespace tessera::test

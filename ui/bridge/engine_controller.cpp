// LibTorch headers first: Qt's `slots` / `signals` macros break them when
// they come after a Qt header.
#include "common/torch_compat.h"
#include "models/registry.h"

#include "bridge/engine_controller.h"
#include "bridge/engine_worker.h"

#include <QFileInfo>
#include <QThread>

namespace tessera {

EngineController::EngineController(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<std::shared_ptr<tessera::Image>>();
    qRegisterMetaType<std::shared_ptr<const tessera::Image>>();
    qRegisterMetaType<tessera::UpscaleSettings>();
    qRegisterMetaType<tessera::CancelToken>();

    m_thread = new QThread(this);
    m_thread->setObjectName("tessera-engine");
    m_worker = new EngineWorker;
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    connect(m_worker, &EngineWorker::previewReady, this, [this](quint64 id, QRect rect, QImage pixels) {
        // Latest wins: a result of an older request is never shown.
        if (id == m_latestPreview.load())
            emit previewReady(id, rect, pixels);
    });
    connect(m_worker, &EngineWorker::previewFailed, this, [this](quint64 id, QString message) {
        if (id == m_latestPreview.load())
            emit previewFailed(id, message);
    });
    connect(m_worker, &EngineWorker::tileTimeMeasured, this, &EngineController::tileTimeMeasured);
    connect(m_worker, &EngineWorker::runStarted, this, &EngineController::runStarted);
    connect(m_worker, &EngineWorker::tileStarted, this, &EngineController::tileStarted);
    connect(m_worker, &EngineWorker::tileFinished, this, &EngineController::tileFinished);
    connect(m_worker, &EngineWorker::runProgress, this, &EngineController::runProgress);
    connect(m_worker, &EngineWorker::runFinished, this, [this](std::shared_ptr<Image> result, QString report) {
        m_running = false;
        emit runFinished(std::move(result), report);
    });
    connect(m_worker, &EngineWorker::runFailed, this, [this](QString message) {
        m_running = false;
        emit runFailed(message);
    });
    connect(m_worker, &EngineWorker::runCancelled, this, [this] {
        m_running = false;
        emit runCancelled();
    });
    m_thread->start();
}

EngineController::~EngineController()
{
    m_previewToken.cancel();
    m_runToken.cancel();
    m_thread->quit();
    m_thread->wait();
}

QStringList EngineController::availableDevices()
{
    QStringList devices{QStringLiteral("cpu")};
    if (cudaAvailable())
        for (int i = 0; i < cudaDeviceCount(); ++i)
            devices << QStringLiteral("cuda:%1").arg(i);
    return devices;
}

QString EngineController::defaultModelsFolder()
{
    return QString::fromStdString(tessera::defaultModelsFolder());
}

std::vector<ModelChoice> EngineController::scanModels(const QString& folder)
{
    std::vector<ModelChoice> choices;
    if (!QFileInfo(folder).isDir())
        return choices;
    for (const ModelEntry& entry : tessera::scanModels(folder.toStdString())) {
        if (!entry.error.empty() || entry.scale < 1)
            continue;
        ModelChoice choice;
        choice.path = QString::fromStdString(entry.path);
        choice.name = QString::fromStdString(entry.name);
        choice.architecture = QString::fromStdString(entry.architecture);
        choice.scale = entry.scale;
        choice.parameterCount = entry.parameterCount;
        choice.fileSize = entry.fileSize;
        choices.push_back(choice);
    }
    return choices;
}

void EngineController::setImage(std::shared_ptr<const Image> image)
{
    cancelPreview();
    QMetaObject::invokeMethod(m_worker, "setImage", Qt::QueuedConnection,
                              Q_ARG(std::shared_ptr<const tessera::Image>, std::move(image)));
}

quint64 EngineController::requestPreview(const UpscaleSettings& settings, int tileIndex)
{
    m_previewToken.cancel();
    m_previewToken = CancelToken();
    const quint64 id = ++m_latestPreview;
    if (m_running) // the full run has the worker; previews wait for the next move
        return id;
    QMetaObject::invokeMethod(m_worker, "runPreview", Qt::QueuedConnection, Q_ARG(quint64, id),
                              Q_ARG(tessera::UpscaleSettings, settings), Q_ARG(int, tileIndex),
                              Q_ARG(tessera::CancelToken, m_previewToken));
    return id;
}

void EngineController::cancelPreview()
{
    m_previewToken.cancel();
    ++m_latestPreview;
}

void EngineController::startRun(const UpscaleSettings& settings)
{
    cancelPreview();
    m_runToken = CancelToken();
    m_running = true;
    QMetaObject::invokeMethod(m_worker, "runFull", Qt::QueuedConnection,
                              Q_ARG(tessera::UpscaleSettings, settings),
                              Q_ARG(tessera::CancelToken, m_runToken));
}

void EngineController::cancelRun()
{
    m_runToken.cancel();
}

} // namespace tessera

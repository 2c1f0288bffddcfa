// LibTorch headers first: Qt's `slots` / `signals` macros break them when
// they come after a Qt header.
#include "common/torch_compat.h"

#include "bridge/engine_controller.h"
#include "bridge/job_runner.h"

#include <QThread>

namespace tessera {

EngineController::EngineController(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<tessera::JobProgress>();
    qRegisterMetaType<tessera::JobPartial>();
    qRegisterMetaType<tessera::EngineJobPtr>();
    qRegisterMetaType<tessera::CancelToken>();

    const char* names[kJobLanes] = {"tessera-engine", "tessera-files", "tessera-scan"};
    for (int lane = 0; lane < kJobLanes; ++lane) {
        m_threads[lane] = new QThread(this);
        m_threads[lane]->setObjectName(QString::fromLatin1(names[lane]));
        JobRunner* runner = new JobRunner;
        m_runners[lane] = runner;
        runner->moveToThread(m_threads[lane]);
        connect(m_threads[lane], &QThread::finished, runner, &QObject::deleteLater);
        connect(runner, &JobRunner::started, this, [this](quint64 id) {
            if (deliverable(id))
                emit jobStarted(id);
        });
        connect(runner, &JobRunner::progress, this, [this](quint64 id, JobProgress progress) {
            if (deliverable(id))
                emit jobProgress(id, progress);
        });
        connect(runner, &JobRunner::partial, this, [this](quint64 id, JobPartial partial) {
            if (deliverable(id))
                emit jobPartial(id, partial);
        });
        connect(runner, &JobRunner::finished, this, [this](quint64 id, EngineJobPtr job) {
            const bool deliver = deliverable(id);
            ended(id);
            if (deliver)
                emit jobFinished(id, std::move(job));
        });
        connect(runner, &JobRunner::failed, this, [this](quint64 id, QString message) {
            const bool deliver = deliverable(id);
            ended(id);
            if (deliver)
                emit jobFailed(id, message);
        });
        connect(runner, &JobRunner::cancelled, this, [this](quint64 id) {
            const bool deliver = deliverable(id);
            ended(id);
            if (deliver)
                emit jobCancelled(id);
        });
        m_threads[lane]->start();
    }
}

EngineController::~EngineController()
{
    for (Entry& entry : m_jobs)
        entry.cancel.cancel();
    for (QThread* thread : m_threads) {
        thread->quit();
        thread->wait();
    }
}

QStringList EngineController::availableDevices()
{
    QStringList devices{QStringLiteral("cpu")};
    if (cudaAvailable())
        for (int i = 0; i < cudaDeviceCount(); ++i)
            devices << QStringLiteral("cuda:%1").arg(i);
    return devices;
}

quint64 EngineController::submit(EngineJobPtr job)
{
    const quint64 id = ++m_nextId;
    Entry entry;
    entry.job = job;
    entry.channel = job->channel();
    if (!entry.channel.isEmpty()) {
        cancelChannel(entry.channel);
        m_latest[entry.channel] = id;
    }
    const CancelToken cancel = entry.cancel;
    m_jobs.insert(id, entry);
    JobRunner* runner = m_runners[int(job->lane())];
    QMetaObject::invokeMethod(runner, "execute", Qt::QueuedConnection, Q_ARG(quint64, id),
                              Q_ARG(tessera::EngineJobPtr, std::move(job)), Q_ARG(tessera::CancelToken, cancel));
    return id;
}

void EngineController::cancel(quint64 id)
{
    const auto found = m_jobs.find(id);
    if (found != m_jobs.end())
        found->cancel.cancel();
}

void EngineController::cancelChannel(const QString& channel)
{
    const auto found = m_jobs.find(m_latest.value(channel));
    if (found == m_jobs.end())
        return;
    // Nothing more of it reaches the GUI, not even its cancellation.
    found->cancel.cancel();
    found->stale = true;
}

bool EngineController::deliverable(quint64 id) const
{
    const auto found = m_jobs.find(id);
    return found != m_jobs.end() && !found->stale;
}

void EngineController::ended(quint64 id)
{
    m_jobs.remove(id);
}

} // namespace tessera

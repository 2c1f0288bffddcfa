#pragma once
/// The bridge between the Qt widgets and the engine: runs EngineJobs on
/// worker threads (engine, files, scans), so the GUI thread never waits on LibTorch
/// or on a file. Results cross threads as values (the finished job, QImages,
/// progress structs); progress is throttled to about 30 updates a second;
/// jobs of a channel ("preview") are latest wins.
///
/// Qt-only header (no LibTorch), so the rest of ui/ can include it.

#include "bridge/engine_job.h"

#include <QHash>
#include <QObject>
#include <QStringList>

#include <atomic>
#include <memory>

class QThread;

namespace tessera {

class JobRunner;

class EngineController : public QObject {
    Q_OBJECT
public:
    explicit EngineController(QObject* parent = nullptr);
    /// Cancels every job and waits for the worker threads to end.
    ~EngineController() override;

    /// "cpu" and one "cuda:N" per CUDA device.
    static QStringList availableDevices();

    /// Queues `job` on its lane and returns its id. A job with a channel
    /// cancels the channel's older job first.
    quint64 submit(EngineJobPtr job);
    /// Cancels job `id` (queued or running); it ends with jobCancelled.
    void cancel(quint64 id);
    /// Cancels the channel's job and drops any result of it still on its way.
    void cancelChannel(const QString& channel);
    /// The newest job id of `channel` (0: none).
    quint64 latestOf(const QString& channel) const { return m_latest.value(channel); }

signals:
    void jobStarted(quint64 id);
    void jobProgress(quint64 id, tessera::JobProgress progress);
    void jobPartial(quint64 id, tessera::JobPartial partial);
    /// The job as it was submitted, now holding its results.
    void jobFinished(quint64 id, tessera::EngineJobPtr job);
    void jobFailed(quint64 id, QString message);
    void jobCancelled(quint64 id);

private:
    struct Entry {
        EngineJobPtr job;
        CancelToken cancel;
        QString channel;
        bool stale = false;   ///< replaced or cancelled as its channel's latest: deliver nothing more
    };
    /// True when a result of job `id` may still reach the GUI.
    bool deliverable(quint64 id) const;
    void ended(quint64 id);

    QThread* m_threads[kJobLanes] = {};
    JobRunner* m_runners[kJobLanes] = {};
    QHash<quint64, Entry> m_jobs;
    QHash<QString, quint64> m_latest;
    quint64 m_nextId = 0;
};

} // namespace tessera

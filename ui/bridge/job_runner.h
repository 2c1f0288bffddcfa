#pragma once
/// The worker side of EngineController (internal to ui/bridge): lives on one
/// worker thread, runs the jobs queued to it one at a time, and reports back
/// through queued signals.

#include "bridge/engine_job.h"

#include <QObject>

#include <memory>

namespace tessera {

class JobRunner : public QObject {
    Q_OBJECT
public:
    JobRunner();
    ~JobRunner() override;

public slots:
    void execute(quint64 id, tessera::EngineJobPtr job, tessera::CancelToken cancel);

signals:
    void started(quint64 id);
    void progress(quint64 id, tessera::JobProgress progress);
    void partial(quint64 id, tessera::JobPartial partial);
    void finished(quint64 id, tessera::EngineJobPtr job);
    void failed(quint64 id, QString message);
    void cancelled(quint64 id);

private:
    std::unique_ptr<EngineContext> m_context;
};

} // namespace tessera

Q_DECLARE_METATYPE(tessera::CancelToken)

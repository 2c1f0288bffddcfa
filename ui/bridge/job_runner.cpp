// LibTorch headers first: Qt's `slots` / `signals` macros break them when
// they come after a Qt header.
#include "bridge/engine_context.h"
#include "common/error.h"

#include "bridge/job_runner.h"

#include <QElapsedTimer>

namespace tessera {

namespace {

/// Forwards a job's reports as the runner's signals, progress at most about
/// 30 times a second (the last report of a stage always goes through).
class ThrottledReporter : public JobReporter {
public:
    ThrottledReporter(JobRunner& runner, quint64 id) : m_runner(runner), m_id(id) { m_clock.start(); }

    void progress(const JobProgress& progress) override
    {
        if (progress.done < progress.total && progress.done > 0 && m_clock.elapsed() < 33)
            return;
        m_clock.restart();
        emit m_runner.progress(m_id, progress);
    }
    void partial(const JobPartial& partial) override { emit m_runner.partial(m_id, partial); }

private:
    JobRunner& m_runner;
    quint64 m_id;
    QElapsedTimer m_clock;
};

} // namespace

JobRunner::JobRunner() : m_context(std::make_unique<EngineContext>()) {}
JobRunner::~JobRunner() = default;

void JobRunner::execute(quint64 id, EngineJobPtr job, CancelToken cancel)
{
    // A newer job of its channel, or the person, cancelled it while it waited.
    if (cancel.isCancelled()) {
        emit cancelled(id);
        return;
    }
    emit started(id);
    try {
        ThrottledReporter reporter(*this, id);
        job->run(*m_context, cancel, reporter);
        cancel.throwIfCancelled();
        emit finished(id, job);
    } catch (const Error& error) {
        if (error.code() == ErrorCode::Cancelled)
            emit cancelled(id);
        else
            emit failed(id, QString::fromStdString(error.what()));
    } catch (const std::exception& error) {
        // LibTorch's own errors: the first line, without its backtrace.
        const std::string what = error.what();
        emit failed(id, QString::fromStdString(what.substr(0, what.find('\n'))));
    }
}

} // namespace tessera

#include "common/progress.h"

namespace tessera {

void EtaEstimator::start(int64_t total)
{
    m_total = total;
    m_firstDone = 0;
    m_start = Clock::now();
    m_haveFirst = false;
}

Progress EtaEstimator::update(int64_t done, const std::string& stage)
{
    Progress p;
    p.done = done;
    p.total = m_total;
    p.stage = stage;
    const auto now = Clock::now();
    if (!m_haveFirst && done > 0) {
        m_haveFirst = true;
        m_firstDone = done;
        m_afterFirst = now;
    }
    const int64_t left = m_total - done;
    if (left <= 0) {
        p.etaSeconds = 0.0;
    } else if (m_haveFirst && done > m_firstDone) {
        const double secs = std::chrono::duration<double>(now - m_afterFirst).count();
        p.etaSeconds = secs / double(done - m_firstDone) * double(left);
    } else if (m_haveFirst) {
        const double secs = std::chrono::duration<double>(now - m_start).count();
        p.etaSeconds = secs / double(done) * double(left);
    }
    return p;
}

} // namespace tessera

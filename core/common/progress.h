#pragma once
/// Progress reports from long jobs, and the ETA estimate that goes with them.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace tessera {

struct Progress {
    int64_t done = 0;          ///< units finished (tiles, steps)
    int64_t total = 0;         ///< units in all
    std::string stage;         ///< what is running: "upscale", "refine", "vae decode"
    double etaSeconds = -1.0;  ///< estimated seconds left; negative while unknown
};

/// Receives progress; called on the thread that runs the job.
using ProgressSink = std::function<void(const Progress&)>;

/// Estimates time left from the average rate since start(). The first unit
/// often includes warm-up (cuDNN autotuning), so the rate is measured from the
/// end of the first unit on once a second one has finished.
class EtaEstimator {
public:
    void start(int64_t total);
    /// Records that `done` units are finished and returns a filled Progress.
    Progress update(int64_t done, const std::string& stage);

private:
    using Clock = std::chrono::steady_clock;
    int64_t m_total = 0;
    int64_t m_firstDone = 0;
    Clock::time_point m_start;
    Clock::time_point m_afterFirst;
    bool m_haveFirst = false;
};

} // namespace tessera

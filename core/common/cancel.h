#pragma once
/// Cooperative cancellation. Copies share one flag: the UI keeps a copy and calls
/// cancel(); the engine checks it between tiles, sampler steps and VAE passes.

#include <atomic>
#include <memory>

namespace tessera {

class CancelToken {
public:
    CancelToken() : m_flag(std::make_shared<std::atomic<bool>>(false)) {}

    void cancel() { m_flag->store(true, std::memory_order_relaxed); }
    bool isCancelled() const { return m_flag->load(std::memory_order_relaxed); }
    /// Throws Error(Cancelled) when cancel() has been called on any copy.
    void throwIfCancelled() const;

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

} // namespace tessera

#pragma once
/// The cancel token of the work running on this thread, for code deep inside a
/// forward (between layers of the ncnn executor, between blocks of a network)
/// that cannot take a CancelToken through its interface. A job installs its
/// token around the work (`CancelScope scope(cancel);`); forwards run on the
/// thread that calls the job, and poll it with throwIfCurrentCancelled().
/// On CUDA the host runs ahead of the device: a poll stops enqueueing more
/// kernels, and the kernels already queued finish on their own.

#include "common/cancel.h"

namespace tessera {

/// Makes `token` this thread's current cancel token while alive; the previous
/// one (or none) comes back when it ends. The token must outlive the scope.
class CancelScope {
public:
    explicit CancelScope(const CancelToken& token);
    ~CancelScope();
    CancelScope(const CancelScope&) = delete;
    CancelScope& operator=(const CancelScope&) = delete;

private:
    const CancelToken* m_previous;
};

/// Throws Error(Cancelled) when this thread's current token (if any) has been
/// cancelled. One relaxed atomic load: cheap enough between layers.
void throwIfCurrentCancelled();

} // namespace tessera

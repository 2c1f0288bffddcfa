#pragma once
/// Hands finished output rows to a RowSink from a thread of its own, so that
/// the device goes on computing the next tiles while rows travel to the host
/// and the sink encodes them (a PNG's deflate, a TIFF's strips).
///
/// The runner calls write() with the rows one tile row finished, still on the
/// device. The writer thread copies them to the host in chunks of `chunkRows`
/// through two pinned buffers on a copy stream of its own (the copy of chunk
/// k + 1 runs while the sink takes chunk k) and calls the sink, one call at a
/// time, in order. At most two writes are in flight: the device holds the
/// rows of at most two tile rows beyond the accumulator, the host two chunks.

#include "tiling/row_sink.h"

#include <ATen/ATen.h>

#include <memory>

namespace tessera {

class RowWriter {
public:
    /// Rows arrive on `device` (the CPU too: then no copies are made).
    RowWriter(RowSink& sink, const c10::Device& device, int chunkRows);
    /// Stops the thread; rows not yet with the sink are dropped (a cancelled
    /// or failed run writes nothing more).
    ~RowWriter();
    RowWriter(const RowWriter&) = delete;
    RowWriter& operator=(const RowWriter&) = delete;

    /// Queues rows [y, y + rows.size(0)) for the sink, once the work queued on
    /// the current stream so far has made them. Waits while two writes are
    /// still in flight. Rethrows an error the sink threw earlier.
    /// rows: [R, W, C] float32 (to sink.writeRows) or uint8 (to
    /// sink.writeBytes), contiguous, on the writer's device
    void write(int y, const at::Tensor& rows);

    /// Waits until every queued row is with the sink; rethrows its error.
    void finish();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace tessera

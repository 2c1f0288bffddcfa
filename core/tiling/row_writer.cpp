#include "tiling/row_writer.h"

#include "common/error.h"

#include <c10/core/DeviceGuard.h>
#include <c10/core/Event.h>
#include <ATen/record_function.h>
#include <c10/core/InferenceMode.h>
#include <c10/core/StreamGuard.h>
#include <c10/core/impl/VirtualGuardImpl.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

namespace tessera {

namespace {

/// Waits for an event on another stream without blocking that stream. LibTorch
/// 1.13's c10::Event has no synchronize(); a short poll costs nothing next to
/// a chunk's copy.
void waitFor(const c10::Event& event)
{
    while (!event.query())
        std::this_thread::sleep_for(std::chrono::microseconds(20));
}

} // namespace

struct RowWriter::State {
    struct Item {
        int y = 0;
        at::Tensor rows;                   ///< [R, W, C] float32, or uint8 for sink.writeBytes
        std::unique_ptr<c10::Event> ready; ///< recorded after the rows were made (a device's)
    };

    State(RowSink& sink, const c10::Device& device, int chunkRows)
        : sink(sink), device(device), chunkRows(std::max(1, chunkRows))
    {
        if (device.is_cuda())
            copyStream = c10::impl::VirtualGuardImpl(device.type()).getStreamFromGlobalPool(device);
    }

    void loop();
    void writeItem(Item& item);
    /// Hands `rowCount` rows at `data` (the item's dtype) to the sink.
    void handOver(int y, int rowCount, const at::Tensor& rows, const void* data);
    bool stopping()
    {
        std::lock_guard<std::mutex> lock(mutex);
        return stop;
    }

    RowSink& sink;
    const c10::Device device;
    const int chunkRows;
    std::optional<c10::Stream> copyStream;
    at::Tensor pinned[2]; ///< [chunkRows, W, C] host staging, reused
    std::unique_ptr<c10::Event> copied[2];

    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Item> queue;
    bool busy = false; ///< the thread holds an item
    bool stop = false;
    std::exception_ptr error;
    std::thread thread;
};

void RowWriter::State::loop()
{
    c10::InferenceMode inference;
    std::optional<c10::DeviceGuard> deviceGuard;
    std::optional<c10::StreamGuard> streamGuard;
    if (copyStream) {
        deviceGuard.emplace(device);
        streamGuard.emplace(*copyStream);
    }
    for (;;) {
        Item item;
        {
            std::unique_lock<std::mutex> lock(mutex);
            changed.wait(lock, [&] { return stop || !queue.empty(); });
            if (stop)
                return;
            item = std::move(queue.front());
            queue.pop_front();
            busy = true;
        }
        std::exception_ptr failure;
        try {
            writeItem(item);
        } catch (...) {
            failure = std::current_exception();
        }
        item = Item(); // the device rows go back to the allocator here
        std::lock_guard<std::mutex> lock(mutex);
        busy = false;
        if (failure && !error)
            error = failure;
        if (error)
            queue.clear(); // after a failed write nothing more is written
        changed.notify_all();
    }
}

void RowWriter::State::handOver(int y, int rowCount, const at::Tensor& rows, const void* data)
{
    RECORD_USER_SCOPE("tessera::sink_rows"); // a named range in the bench's profile
    if (rows.scalar_type() == at::kByte)
        sink.writeBytes(y, rowCount, static_cast<const uint8_t*>(data));
    else
        sink.writeRows(y, rowCount, static_cast<const float*>(data));
}

void RowWriter::State::writeItem(Item& item)
{
    const int rowCount = int(item.rows.size(0));
    const int64_t rowValues = item.rows.numel() / std::max(1, rowCount);
    const int64_t rowBytes = rowValues * int64_t(item.rows.element_size());
    const int chunks = (rowCount + chunkRows - 1) / chunkRows;
    auto rowsOf = [&](int k) { return std::min(chunkRows, rowCount - k * chunkRows); };
    if (!item.rows.is_cuda()) {
        const auto* bytes = static_cast<const uint8_t*>(item.rows.data_ptr());
        for (int k = 0; k < chunks && !stopping(); ++k)
            handOver(item.y + k * chunkRows, rowsOf(k), item.rows, bytes + int64_t(k) * chunkRows * rowBytes);
        return;
    }
    item.ready->block(*copyStream);
    const bool fits = pinned[0].defined() && pinned[0].scalar_type() == item.rows.scalar_type()
        && pinned[0].numel() >= int64_t(chunkRows) * rowValues;
    if (!fits) {
        for (int b = 0; b < 2; ++b) {
            pinned[b] = at::empty({int64_t(chunkRows) * rowValues},
                                  at::TensorOptions().dtype(item.rows.scalar_type()).pinned_memory(true));
            copied[b] = std::make_unique<c10::Event>(device.type());
        }
    }
    // Chunk k goes through buffer k % 2; the copy of chunk k + 1 is queued
    // before chunk k is handed over, so the two overlap.
    auto startCopy = [&](int k) {
        const int rows = rowsOf(k);
        at::Tensor host = pinned[k % 2].narrow(0, 0, int64_t(rows) * rowValues);
        host.copy_(item.rows.narrow(0, int64_t(k) * chunkRows, rows).reshape({-1}), /*non_blocking=*/true);
        copied[k % 2]->record(*copyStream);
    };
    startCopy(0);
    for (int k = 0; k < chunks; ++k) {
        if (k + 1 < chunks)
            startCopy(k + 1);
        waitFor(*copied[k % 2]);
        if (stopping())
            return;
        handOver(item.y + k * chunkRows, rowsOf(k), item.rows, pinned[k % 2].data_ptr());
    }
}

RowWriter::RowWriter(RowSink& sink, const c10::Device& device, int chunkRows)
    : m_state(std::make_unique<State>(sink, device, chunkRows))
{
    m_state->thread = std::thread([state = m_state.get()] { state->loop(); });
}

RowWriter::~RowWriter()
{
    {
        std::lock_guard<std::mutex> lock(m_state->mutex);
        m_state->stop = true;
        m_state->queue.clear();
    }
    m_state->changed.notify_all();
    m_state->thread.join();
}

void RowWriter::write(int y, const at::Tensor& rows)
{
    if (rows.dim() != 3 || (rows.scalar_type() != at::kFloat && rows.scalar_type() != at::kByte)
        || !rows.is_contiguous() || rows.device() != m_state->device)
        throw Error(ErrorCode::Internal,
                    "rows for the writer must be [R, W, C] float32 or uint8, contiguous, on its device");
    State::Item item{y, rows, nullptr};
    if (rows.is_cuda()) {
        item.ready = std::make_unique<c10::Event>(rows.device().type());
        item.ready->record(c10::impl::VirtualGuardImpl(rows.device().type()).getStream(rows.device()));
    }
    std::unique_lock<std::mutex> lock(m_state->mutex);
    m_state->changed.wait(lock, [&] {
        return m_state->error || m_state->queue.size() + (m_state->busy ? 1 : 0) < 2;
    });
    if (m_state->error)
        std::rethrow_exception(m_state->error);
    m_state->queue.push_back(std::move(item));
    m_state->changed.notify_all();
}

void RowWriter::finish()
{
    std::unique_lock<std::mutex> lock(m_state->mutex);
    m_state->changed.wait(lock, [&] { return m_state->error || (m_state->queue.empty() && !m_state->busy); });
    if (m_state->error)
        std::rethrow_exception(m_state->error);
}

} // namespace tessera

#include "tiling/tile_workers.h"

#include "common/cancel_scope.h"
#include "common/torch_compat.h"

#include <c10/core/DeviceGuard.h>
#include <c10/core/InferenceMode.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace tessera::detail {

namespace {

struct Batch {
    at::Tensor x;
    TileRect crop;
    c10::Device resultDevice = c10::Device(c10::kCPU);
    std::promise<at::Tensor> result;
};

} // namespace

struct TileWorkers::State {
    std::vector<TileModel> models;
    std::vector<std::unique_ptr<ChannelMapper>> mappers; ///< one per model (it refers to its model)
    const CancelToken* cancel = nullptr;
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Batch> queue;
    int running = 0; ///< batches taken from the queue and not finished
    bool stopping = false;
    std::vector<std::thread> threads;

    void work(size_t worker)
    {
        const TileModel& model = models[worker];
        const ChannelMapper& mapper = *mappers[worker];
        const c10::Device device = toTorchDevice(model.device);
        const c10::DeviceGuard onDevice(device);
        const CancelScope cancelScope(*cancel);
        const c10::InferenceMode inference;
        for (;;) {
            Batch batch;
            {
                std::unique_lock lock(mutex);
                changed.wait(lock, [&] { return stopping || !queue.empty(); });
                if (stopping)
                    return;
                batch = std::move(queue.front());
                queue.pop_front();
                ++running;
            }
            try {
                // y: [N, C', s * ph, s * pw] on this worker's device
                const at::Tensor y = mapper.infer(batch.x.to(device, /*non_blocking=*/true));
                batch.result.set_value(y.narrow(2, batch.crop.y, batch.crop.height)
                                           .narrow(3, batch.crop.x, batch.crop.width)
                                           .to(batch.resultDevice));
            } catch (...) {
                batch.result.set_exception(std::current_exception());
            }
            {
                const std::lock_guard lock(mutex);
                --running;
            }
            changed.notify_all();
        }
    }
};

TileWorkers::TileWorkers(const std::vector<TileModel>& models, int imageChannels, AlphaMode alpha,
                         const CancelToken& cancel)
    : m_state(std::make_unique<State>())
{
    m_state->models = models;
    m_state->cancel = &cancel;
    for (const TileModel& model : m_state->models)
        m_state->mappers.push_back(std::make_unique<ChannelMapper>(model, imageChannels, alpha));
    for (size_t i = 0; i < m_state->models.size(); ++i)
        m_state->threads.emplace_back([state = m_state.get(), i] { state->work(i); });
}

TileWorkers::~TileWorkers()
{
    {
        const std::lock_guard lock(m_state->mutex);
        m_state->stopping = true;
        m_state->queue.clear();
    }
    m_state->changed.notify_all();
    for (std::thread& thread : m_state->threads)
        thread.join();
}

std::future<at::Tensor> TileWorkers::submit(at::Tensor x, const TileRect& crop, const c10::Device& resultDevice)
{
    Batch batch;
    batch.x = std::move(x);
    batch.crop = crop;
    batch.resultDevice = resultDevice;
    std::future<at::Tensor> result = batch.result.get_future();
    {
        const std::lock_guard lock(m_state->mutex);
        m_state->queue.push_back(std::move(batch));
    }
    m_state->changed.notify_all();
    return result;
}

void TileWorkers::waitIdle()
{
    std::unique_lock lock(m_state->mutex);
    m_state->changed.wait(lock, [&] { return m_state->queue.empty() && m_state->running == 0; });
}

} // namespace tessera::detail

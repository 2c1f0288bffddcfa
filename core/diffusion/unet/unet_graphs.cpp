#include "diffusion/unet/unet_graphs.h"

#include "common/error.h"

#include <algorithm>

#if defined(TESSERA_HAVE_CUDA)
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/version.h>

#include <map>
#include <mutex>
#endif

namespace tessera::sd {

#if defined(TESSERA_HAVE_CUDA)

namespace {

/// "f16[2,4,128,128]|i64[2]|..." : the graph's key; a graph replays only
/// inputs of exactly these shapes, types and devices.
std::string shapeKey(const UNetInputs& inputs)
{
    std::string key;
    for (const at::Tensor& t : inputs) {
        if (!t.defined()) {
            key += "-|";
            continue;
        }
        key += std::string(c10::toString(t.scalar_type())) + t.device().str() + "[";
        for (int64_t d = 0; d < t.dim(); ++d)
            key += (d ? "," : "") + std::to_string(t.size(d));
        key += "]|";
    }
    return key;
}

/// One capture stream per device for the process: cuBLAS keeps a workspace
/// per stream, made on the stream's first use, which is the warm-up's.
c10::cuda::CUDAStream captureStream(c10::DeviceIndex device)
{
    static std::mutex mutex;
    static std::map<c10::DeviceIndex, c10::cuda::CUDAStream> streams;
    const std::lock_guard<std::mutex> lock(mutex);
    auto found = streams.find(device);
    if (found == streams.end())
        found = streams.emplace(device, c10::cuda::getStreamFromPool(false, device)).first;
    return found->second;
}

} // namespace

struct UNetGraphCache::Graph {
    std::string key;
    UNetInputs inputs; ///< static: each call's inputs are copied here
    at::Tensor output; ///< static: what the replay writes
    at::cuda::CUDAGraph graph;
};

bool UNetGraphCache::supported(const at::Tensor& x)
{
    return x.defined() && x.is_cuda();
}

std::unique_ptr<UNetGraphCache::Graph> UNetGraphCache::capture(const UNetForward& forward, const UNetInputs& inputs,
                                                              const std::string& key)
{
    auto graph = std::make_unique<Graph>();
    graph->key = key;
    const c10::Device device = inputs[0].device();
    for (size_t i = 0; i < inputs.size(); ++i)
        if (inputs[i].defined())
            graph->inputs[i] = inputs[i].to(device).clone(); // a capture cannot copy from host memory
    // Capture on a stream of its own (the default stream cannot capture),
    // after everything queued so far, and warm up there first.
    const c10::cuda::CUDAStream caller = c10::cuda::getCurrentCUDAStream(device.index());
    const c10::cuda::CUDAStream stream = captureStream(device.index());
    caller.synchronize();
    {
        const c10::cuda::CUDAStreamGuard guard(stream);
        forward(graph->inputs);
        stream.synchronize();
        // Every graph draws from the first one's pool: they replay one at a
        // time and each keeps its static output, so they can share it.
        using PoolId = decltype(graph->graph.pool()); // {0, 0}: a new pool
        const PoolId pool = m_graphs.empty() ? PoolId{0, 0} : m_graphs.front()->graph.pool();
#if TORCH_VERSION_MAJOR >= 2
        // Only this thread's CUDA calls join the capture (a preview or a
        // writer thread may allocate meanwhile).
        graph->graph.capture_begin(pool, cudaStreamCaptureModeThreadLocal);
#else
        graph->graph.capture_begin(pool);
#endif
        try {
            graph->output = forward(graph->inputs);
        } catch (...) {
            try {
                graph->graph.capture_end();
            } catch (...) {
            }
            throw;
        }
        graph->graph.capture_end();
    }
    stream.synchronize();
    return graph;
}

at::Tensor UNetGraphCache::run(const UNetForward& forward, const UNetInputs& inputs)
{
    if (!supported(inputs[0]) || !m_failure.empty() || m_capacity < 1)
        return forward(inputs);
    const std::string key = shapeKey(inputs);
    auto found = std::find_if(m_graphs.begin(), m_graphs.end(), [&](const auto& g) { return g->key == key; });
    if (found == m_graphs.end()) {
        std::unique_ptr<Graph> graph;
        try {
            graph = capture(forward, inputs, key);
        } catch (const Error& error) {
            if (error.code() == ErrorCode::Cancelled)
                throw;
            m_failure = error.what();
        } catch (const std::exception& error) {
            m_failure = error.what();
        }
        if (!graph) {
            m_graphs.clear();
            return forward(inputs);
        }
        if (int(m_graphs.size()) >= m_capacity)
            m_graphs.erase(m_graphs.begin()); // the pool lives while any graph uses it
        m_graphs.push_back(std::move(graph));
        found = m_graphs.end() - 1;
    }
    Graph& graph = **found;
    for (size_t i = 0; i < inputs.size(); ++i)
        if (inputs[i].defined())
            graph.inputs[i].copy_(inputs[i]);
    graph.graph.replay();
    return graph.output.clone();
}

#else

struct UNetGraphCache::Graph {};

bool UNetGraphCache::supported(const at::Tensor&)
{
    return false;
}

std::unique_ptr<UNetGraphCache::Graph> UNetGraphCache::capture(const UNetForward&, const UNetInputs&,
                                                              const std::string&)
{
    return nullptr;
}

at::Tensor UNetGraphCache::run(const UNetForward& forward, const UNetInputs& inputs)
{
    return forward(inputs);
}

#endif

UNetGraphCache::UNetGraphCache(int capacity) : m_capacity(capacity) {}

UNetGraphCache::~UNetGraphCache() = default;

} // namespace tessera::sd

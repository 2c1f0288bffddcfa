#pragma once
/// CUDA graphs of the UNet's forward, one per input shape.
///
/// An SDXL step at 1024² launches about 2000 kernels; between them the host's
/// launch time leaves the GPU idle (3 ms of a 40 ms step on an H200, more on
/// small latents). A graph captured once per shape replays every kernel with
/// one launch. The cache captures on a shape's first call (after one eager
/// warm-up run on the capture stream, which settles cuDNN's and cuBLAS's
/// choices and workspaces), then copies each call's inputs into the graph's
/// static inputs and replays it; the result is a copy of the static output.
///
/// Memory: the graphs share one private pool holding their activations
/// until the cache is cleared or destroyed (the sampling pass owns it).
/// Anything the capture cannot take turns the cache off for good and it
/// runs eagerly, with failure() saying why.

#include <ATen/ATen.h>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tessera::sd {

/// The UNet's inputs: x, timesteps, context, y (undefined for SD 1.x).
using UNetInputs = std::array<at::Tensor, 4>;
using UNetForward = std::function<at::Tensor(const UNetInputs&)>;

class UNetGraphCache {
public:
    /// At most `capacity` shapes keep a graph; the oldest goes first.
    explicit UNetGraphCache(int capacity);
    ~UNetGraphCache();
    UNetGraphCache(const UNetGraphCache&) = delete;
    UNetGraphCache& operator=(const UNetGraphCache&) = delete;

    /// True on a build with CUDA for inputs on a CUDA device.
    static bool supported(const at::Tensor& x);

    /// forward(inputs), replayed from this shape's graph (captured now on
    /// first use), or eagerly where graphs are not supported or have failed.
    /// An exception from forward during a capture (cancel) ends the capture
    /// and propagates; the shape is captured again on its next call.
    at::Tensor run(const UNetForward& forward, const UNetInputs& inputs);

    int graphCount() const { return int(m_graphs.size()); }
    /// Why graphs were turned off; empty while they work.
    const std::string& failure() const { return m_failure; }

private:
    struct Graph;
    std::unique_ptr<Graph> capture(const UNetForward& forward, const UNetInputs& inputs, const std::string& key);

    int m_capacity;
    std::vector<std::unique_ptr<Graph>> m_graphs; ///< oldest first
    std::string m_failure;
};

} // namespace tessera::sd

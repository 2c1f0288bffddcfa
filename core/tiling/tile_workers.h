#pragma once
/// The tile queue of a run over several devices (internal to core/tiling):
/// one thread per device, each holding its own copy of the model, takes the
/// next batch of tiles from one queue whenever it is free. The runner keeps
/// the plan's order itself: it reads the results in the order it queued them
/// and blends them on the first device, so the output does not depend on
/// which device ran which tile.

#include "common/cancel.h"
#include "tiling/tile_model.h"
#include "tiling/tile_tensors.h"

#include <ATen/ATen.h>

#include <future>
#include <memory>
#include <vector>

namespace tessera::detail {

class TileWorkers {
public:
    /// One worker per model (the models may share a device: two queues on one
    /// GPU). Each thread runs with `cancel` as its cancel scope and LibTorch's
    /// inference mode. Throws Error(InvalidArgument) when a model cannot take
    /// the image's channels.
    TileWorkers(const std::vector<TileModel>& models, int imageChannels, AlphaMode alpha,
                const CancelToken& cancel);
    /// Stops the threads after the batch each is running; batches not yet
    /// started are dropped (their futures report broken promises).
    ~TileWorkers();
    TileWorkers(const TileWorkers&) = delete;
    TileWorkers& operator=(const TileWorkers&) = delete;

    /// Queues padded tiles for whichever worker is free first. The worker
    /// copies them to its device, runs its model, crops the output to
    /// `crop` (output pixels: rows y .. y + height, columns x .. x + width)
    /// and copies the result to `resultDevice`.
    /// x: [N, C, ph, pw] float32 on any device -> [N, C', crop.height, crop.width]
    /// float32 on resultDevice; an exception of the forward comes out of the future.
    std::future<at::Tensor> submit(at::Tensor x, const TileRect& crop, const c10::Device& resultDevice);

    /// Blocks until every queued batch has finished (the workers are idle).
    void waitIdle();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace tessera::detail

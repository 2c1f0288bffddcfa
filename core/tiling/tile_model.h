#pragma once
/// What the tiled runner needs to know about a model: a plain tile function
/// and its geometry. Tiling sits below core/models (common <- image <- tiling
/// <- models), so it takes this struct rather than an UpscaleModel; whoever
/// holds a model wraps its forward() here.

#include "common/device.h"
#include "tiling/tile_plan.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <functional>

namespace tessera {

struct TileModel {
    ScaleRatio scale = 1;     ///< output size / input size: 4, 8, 1 or {1, 8}
    int inputMultiple = 1;    ///< padded tile sides must be multiples of this
    int inChannels = 3;       ///< 1 (grey) or 3 (RGB) usually; 4 passes RGBA as is
    int outChannels = 3;
    int receptiveRadius = -1; ///< input pixels that influence an output pixel; -1 unknown
    /// Peak memory per padded input pixel of one tile at the model's
    /// precision, estimated from the architecture; 0 when unknown. The auto
    /// tile size plans with it (autoTileSize); on CUDA the out-of-memory split
    /// retry catches an estimate that was too low.
    int64_t bytesPerPixel = 0;
    DeviceSpec device;        ///< where forward() expects its input
    Precision precision = Precision::Fp32;
    /// x: [N, inChannels, H, W] on `device` at `precision`, values in [0, 1]
    /// for images, H and W multiples of inputMultiple and of scale.den.
    /// returns [N, outChannels, H * scale, W * scale] (scale.toOutput(H), ...).
    std::function<at::Tensor(const at::Tensor&)> forward;
};

} // namespace tessera

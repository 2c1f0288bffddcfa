#pragma once
// tessera-bench's check of TileAccumulator's CUDA kernels (tiling/cuda/)
// against torch's ops on the same device: the values, the bytes, the time.

#include "common/device.h"

namespace tessera::bench {

/// Blends tiles of an x4 upscale's output size (fp16 values, strided views,
/// ramps as the plan makes them) into a [3, rows, width] buffer and finishes
/// the rows to float and to bytes, once through TileAccumulator and once
/// through torch's ops; prints the largest differences, whether the bytes
/// are identical, and the two times (median of 10).
void compareAccumulatorKernels(const DeviceSpec& device, int width, int rows);

} // namespace tessera::bench

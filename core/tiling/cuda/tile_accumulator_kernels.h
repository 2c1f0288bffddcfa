#pragma once
/// The launchers of TileAccumulator's two CUDA kernels
/// (tile_accumulator_kernels.cu), plain C++ so that no torch header reaches
/// nvcc. Used by tiling/tile_accumulator.cpp on CUDA builds only.

#include <cstdint>

#include <cuda_runtime_api.h>

namespace tessera::cuda {

/// sum[c, top + y, left + x] += v[c, y, x] * w and weight[top + y, left + x] += w
/// with w = wy[y] * wx[x], for one tile, in one pass.
struct AccumulateTileArgs {
    float* sum = nullptr;       ///< [C, capacity, bufferWidth], contiguous
    float* weight = nullptr;    ///< [capacity, bufferWidth], contiguous
    int64_t capacity = 0;       ///< rows the buffers hold
    int64_t bufferWidth = 0;
    int64_t top = 0, left = 0;  ///< the tile's corner in the buffers
    const void* values = nullptr; ///< [C, height, width] with the strides below, fp16 or fp32
    bool valuesHalf = false;
    int64_t valueStrides[3] = {0, 0, 0}; ///< in elements: channel, row, column
    const float* wy = nullptr;  ///< [height], contiguous
    const float* wx = nullptr;  ///< [width], contiguous
    int64_t channels = 0, height = 0, width = 0;
};

void launchAccumulateTile(const AccumulateTileArgs& args, cudaStream_t stream);

/// out[r, x, c] = sum[c, r, x] / weight[r, x] for buffer rows [0, rows), as
/// HWC rows: float32, or uint8 by OpenImageIO's rule (quantize_rows.h) with
/// the same float32 operations in the same order, so the bytes equal torch's
/// division followed by quantizeTo8Bits.
struct FinishRowsArgs {
    const float* sum = nullptr;    ///< [C, capacity, width], contiguous
    const float* weight = nullptr; ///< [capacity, width], contiguous
    int64_t capacity = 0;
    int64_t rows = 0, width = 0, channels = 0;
    void* out = nullptr;           ///< [rows, width, channels], contiguous
    bool bytes = false;            ///< uint8, else float32
};

void launchFinishRows(const FinishRowsArgs& args, cudaStream_t stream);

} // namespace tessera::cuda

// TileAccumulator's blending and finishing, one pass each. Before, a tile's
// blend was three torch kernels (the weight product, addcmul, the weight sum)
// and a flush nine passes over the rows (the division, the HWC permute, five
// for the 8-bit rounding, the casts): memory-bound passes that cost 20 ms of a
// 4096² x4 upscale on an H200 (tests/bench/NOTES.md, session 11).
//
// Both kernels give one thread a pixel, x fastest, so that reads of a
// buffer row and of a tile's row coalesce; the channels loop inside.

#include "tiling/cuda/tile_accumulator_kernels.h"

#include "common/cuda/kernel_launch.h"
#include "common/cuda/values.cuh"

#include <algorithm>
#include <cstdint>

namespace tessera::cuda {

namespace {

// A 2-D grid: rows over blockIdx.y, columns over x, so that no thread divides
// a flat index by the width (0.73 -> 0.67 ms a 1427² x4 tile on an H200:
// the divisions cost little, the memory traffic bounds it).
template <typename T>
__global__ void accumulateTileKernel(AccumulateTileArgs a)
{
    const T* values = static_cast<const T*>(a.values);
    const int64_t plane = a.capacity * a.bufferWidth;
    for (int64_t y = blockIdx.y; y < a.height; y += gridDim.y) {
        const float wy = a.wy[y];
        float* weightRow = a.weight + (a.top + y) * a.bufferWidth + a.left;
        float* sumRow = a.sum + (a.top + y) * a.bufferWidth + a.left;
        const T* valueRow = values + y * a.valueStrides[1];
        for (int64_t x = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; x < a.width;
             x += int64_t(gridDim.x) * blockDim.x) {
            const float w = __fmul_rn(wy, a.wx[x]);
            weightRow[x] = __fadd_rn(weightRow[x], w);
            const T* v = valueRow + x * a.valueStrides[2];
            for (int64_t c = 0; c < a.channels; ++c)
                sumRow[c * plane + x] = __fmaf_rn(toFloat(v[c * a.valueStrides[0]]), w, sumRow[c * plane + x]);
        }
    }
}

// OpenImageIO's float -> uint8 (quantize_rows.h): s = v * 255, s += 0.5,
// NaN -> 0, clamped to [0, 255], truncated. The _rn intrinsics keep nvcc from
// contracting the multiply and add into one FMA, which would round once and
// give other bytes than torch's two kernels.
__device__ __forceinline__ uint8_t toByte(float v)
{
    float s = __fadd_rn(__fmul_rn(v, 255.0f), 0.5f);
    if (s != s)
        s = 0.0f;
    s = fminf(fmaxf(s, 0.0f), 255.0f);
    return uint8_t(__float2uint_rz(s));
}

template <bool Bytes>
__global__ void finishRowsKernel(FinishRowsArgs a)
{
    const int64_t pixels = a.rows * a.width;
    const int64_t plane = a.capacity * a.width;
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < pixels; i += int64_t(gridDim.x) * blockDim.x) {
        const float weight = a.weight[i];
        for (int64_t c = 0; c < a.channels; ++c) {
            // IEEE division, as torch's `sum / weight` (torch is built without fast math).
            const float v = __fdiv_rn(a.sum[c * plane + i], weight);
            if constexpr (Bytes)
                static_cast<uint8_t*>(a.out)[i * a.channels + c] = toByte(v);
            else
                static_cast<float*>(a.out)[i * a.channels + c] = v;
        }
    }
}

} // namespace

void launchAccumulateTile(const AccumulateTileArgs& args, cudaStream_t stream)
{
    const int64_t pixels = args.height * args.width;
    if (pixels <= 0)
        return;
    // Blocks across a row, and rows (at most CUDA's 65535; the loop takes more).
    const dim3 grid(unsigned((args.width + kThreadsPerBlock - 1) / kThreadsPerBlock),
                    unsigned(std::min<int64_t>(args.height, 65535)));
    if (args.valuesHalf)
        accumulateTileKernel<__half><<<grid, kThreadsPerBlock, 0, stream>>>(args);
    else
        accumulateTileKernel<float><<<grid, kThreadsPerBlock, 0, stream>>>(args);
    throwIfLaunchFailed("tile blending kernel");
}

void launchFinishRows(const FinishRowsArgs& args, cudaStream_t stream)
{
    const int64_t pixels = args.rows * args.width;
    if (pixels <= 0)
        return;
    if (args.bytes)
        finishRowsKernel<true><<<gridBlocks(pixels), kThreadsPerBlock, 0, stream>>>(args);
    else
        finishRowsKernel<false><<<gridBlocks(pixels), kThreadsPerBlock, 0, stream>>>(args);
    throwIfLaunchFailed("row finishing kernel");
}

} // namespace tessera::cuda

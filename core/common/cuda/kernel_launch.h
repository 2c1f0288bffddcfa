#pragma once
/// What every kernel launcher of ours shares (models/cuda, tiling/cuda): the
/// grid of a grid-stride loop and the check after a launch. For .cu files:
/// the CUDA runtime only, no torch.

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace tessera::cuda {

/// Threads per block of our elementwise kernels.
inline constexpr int kThreadsPerBlock = 256;

/// Blocks for `work` items of one thread each, at most 32 per SM of a
/// 132-SM H100 / H200: the kernels' grid-stride loops take the rest.
inline int gridBlocks(int64_t work)
{
    return int(std::min<int64_t>((work + kThreadsPerBlock - 1) / kThreadsPerBlock, int64_t(132) * 32));
}

/// Throws std::runtime_error("<kernel>: <CUDA's reason>") when the last launch failed.
inline void throwIfLaunchFailed(const char* kernel)
{
    const cudaError_t status = cudaGetLastError();
    if (status != cudaSuccess)
        throw std::runtime_error(std::string(kernel) + ": " + cudaGetErrorString(status));
}

} // namespace tessera::cuda

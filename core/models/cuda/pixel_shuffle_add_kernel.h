#pragma once
/// The launcher of the pixel shuffle + upsampled residual kernel
/// (pixel_shuffle_add.cu), plain C++ so that no torch header reaches nvcc.
/// Used by models/pixel_shuffle_add.cpp on CUDA builds only.

#include <cstdint>

#include <cuda_runtime_api.h>

namespace tessera::cuda {

struct PixelShuffleAddArgs {
    const void* a = nullptr;  ///< [n, channels * r * r, h, w], any strides
    const void* b = nullptr;  ///< [n, channels, h, w], any strides
    void* out = nullptr;      ///< [n, channels, h * r, w * r], contiguous
    int64_t aStrides[4] = {};
    int64_t bStrides[4] = {};
    int64_t n = 0, channels = 0, h = 0, w = 0, r = 1;
    bool half = true;         ///< fp16, else fp32 (all three)
};

void launchPixelShuffleAdd(const PixelShuffleAddArgs& args, cudaStream_t stream);

} // namespace tessera::cuda

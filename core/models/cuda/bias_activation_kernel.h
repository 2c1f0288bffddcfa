#pragma once
/// The launcher of the fused bias + activation kernel (bias_activation.cu),
/// plain C++ so that no torch header reaches nvcc. Used by
/// models/bias_activation.cpp on CUDA builds only.

#include <cstdint>

#include <cuda_runtime_api.h>

namespace tessera::cuda {

struct BiasActivationArgs {
    const void* input = nullptr; ///< count values, fp16 or fp32
    void* output = nullptr;      ///< may be input
    const void* bias = nullptr;  ///< [channels] or null
    const void* slopes = nullptr;///< [channels] for PReLU, else null
    float slope = 0.0f;          ///< leaky ReLU
    int activation = 0;          ///< Activation::Kind: 0 none, 1 ReLU, 2 leaky ReLU, 3 PReLU
    int64_t count = 0;
    int64_t channels = 1;
    int64_t inner = 1;           ///< values per channel run: 1 (channels-last) or H * W (NCHW)
    bool half = true;            ///< fp16, else fp32
};

void launchBiasActivation(const BiasActivationArgs& args, cudaStream_t stream);

} // namespace tessera::cuda

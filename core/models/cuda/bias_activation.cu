// out = act(in + bias[c]) over a [N, C, H, W] tensor in channels-last or
// NCHW memory, one pass, 16-byte loads and stores where the layout allows
// (8 fp16 or 4 fp32 values a thread per step). The arithmetic is in fp32,
// rounded once to the output's dtype, as torch's own kernels do.

#include "models/cuda/bias_activation_kernel.h"

#include "common/cuda/kernel_launch.h"
#include "common/cuda/values.cuh"

#include <cstdint>

namespace tessera::cuda {

namespace {

template <typename T>
__device__ __forceinline__ float activate(float x, int activation, float slope, const T* slopes, int64_t c)
{
    switch (activation) {
    case 1: return fmaxf(x, 0.0f);
    case 2: return x > 0.0f ? x : x * slope;
    case 3: return x > 0.0f ? x : x * toFloat(slopes[c]);
    default: return x;
    }
}

// Vec values a step: all in one channel run (inner % Vec == 0) or, for
// channels-last (inner == 1, channels % Vec == 0), Vec consecutive channels.
template <typename T, int Vec>
__global__ void biasActivationKernel(const T* in, T* out, const T* __restrict__ bias, // in may be out
                                     const T* __restrict__ slopes, float slope, int activation, int64_t count,
                                     int64_t channels, int64_t inner)
{
    struct alignas(sizeof(T) * Vec) Pack {
        T v[Vec];
    };
    const int64_t stride = int64_t(gridDim.x) * blockDim.x * Vec;
    for (int64_t i = (int64_t(blockIdx.x) * blockDim.x + threadIdx.x) * Vec; i < count; i += stride) {
        Pack pack = *reinterpret_cast<const Pack*>(in + i);
        const int64_t c0 = (i / inner) % channels;
#pragma unroll
        for (int k = 0; k < Vec; ++k) {
            const int64_t c = inner == 1 ? c0 + k : c0;
            float x = toFloat(pack.v[k]);
            if (bias)
                x += toFloat(bias[c]);
            pack.v[k] = fromFloat<T>(activate(x, activation, slope, slopes, c));
        }
        *reinterpret_cast<Pack*>(out + i) = pack;
    }
}

template <typename T>
void launchTyped(const BiasActivationArgs& a, cudaStream_t stream)
{
    constexpr int kVec = 16 / sizeof(T);
    const bool aligned = reinterpret_cast<uintptr_t>(a.input) % 16 == 0 && reinterpret_cast<uintptr_t>(a.output) % 16 == 0;
    const bool vectorised = aligned && (a.inner == 1 ? a.channels % kVec == 0 : a.inner % kVec == 0);
    const int vec = vectorised ? kVec : 1;
    const int blocks = gridBlocks((a.count + vec - 1) / vec);
    const T* in = static_cast<const T*>(a.input);
    T* out = static_cast<T*>(a.output);
    const T* bias = static_cast<const T*>(a.bias);
    const T* slopes = static_cast<const T*>(a.slopes);
    if (vectorised)
        biasActivationKernel<T, kVec><<<blocks, kThreadsPerBlock, 0, stream>>>(in, out, bias, slopes, a.slope,
                                                                              a.activation, a.count, a.channels, a.inner);
    else
        biasActivationKernel<T, 1><<<blocks, kThreadsPerBlock, 0, stream>>>(in, out, bias, slopes, a.slope,
                                                                           a.activation, a.count, a.channels, a.inner);
    throwIfLaunchFailed("bias + activation kernel");
}

} // namespace

void launchBiasActivation(const BiasActivationArgs& args, cudaStream_t stream)
{
    if (args.count <= 0)
        return;
    if (args.half)
        launchTyped<__half>(args, stream);
    else
        launchTyped<float>(args, stream);
}

} // namespace tessera::cuda

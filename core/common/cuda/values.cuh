#pragma once
/// Loads and stores of our kernels' fp16 / fp32 values: arithmetic in fp32,
/// rounded once (to nearest even) on the way out, as torch's kernels do.

#include <cuda_fp16.h>

namespace tessera::cuda {

__device__ __forceinline__ float toFloat(__half v) { return __half2float(v); }
__device__ __forceinline__ float toFloat(float v) { return v; }

template <typename T> __device__ __forceinline__ T fromFloat(float v);
template <> __device__ __forceinline__ __half fromFloat<__half>(float v) { return __float2half_rn(v); }
template <> __device__ __forceinline__ float fromFloat<float>(float v) { return v; }

} // namespace tessera::cuda

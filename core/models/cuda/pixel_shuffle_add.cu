// out = pixel_shuffle(a, r) + upsample_nearest(b, r) in one pass:
//   out[n, c, y, x] = a[n, c r² + (y % r) r + x % r, y / r, x / r] + b[n, c, y / r, x / r]
// One thread per pixel (n, c, h, w) of b, w fastest: it reads the r² values
// of a's channel group c at (h, w), adjacent in channels-last memory, and
// writes out's r x r block, so that a warp's rows of out are contiguous.
// The sum is in fp32, rounded once, as torch's add: the result equals
// torch's three ops bit for bit.

#include "models/cuda/pixel_shuffle_add_kernel.h"

#include "common/cuda/kernel_launch.h"
#include "common/cuda/values.cuh"

namespace tessera::cuda {

namespace {

template <typename T>
__global__ void pixelShuffleAddKernel(PixelShuffleAddArgs p)
{
    const T* a = static_cast<const T*>(p.a);
    const T* b = static_cast<const T*>(p.b);
    T* out = static_cast<T*>(p.out);
    const int64_t r = p.r, outH = p.h * r, outW = p.w * r;
    const int64_t pixels = p.n * p.channels * p.h * p.w;
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < pixels; i += int64_t(gridDim.x) * blockDim.x) {
        const int64_t w = i % p.w;
        const int64_t h = (i / p.w) % p.h;
        const int64_t c = (i / (p.w * p.h)) % p.channels;
        const int64_t n = i / (p.w * p.h * p.channels);
        const float residual = toFloat(b[n * p.bStrides[0] + c * p.bStrides[1] + h * p.bStrides[2] + w * p.bStrides[3]]);
        const T* group = a + n * p.aStrides[0] + c * r * r * p.aStrides[1] + h * p.aStrides[2] + w * p.aStrides[3];
        T* block = out + ((n * p.channels + c) * outH + h * r) * outW + w * r;
        for (int64_t dy = 0; dy < r; ++dy)
            for (int64_t dx = 0; dx < r; ++dx)
                block[dy * outW + dx] = fromFloat<T>(__fadd_rn(toFloat(group[(dy * r + dx) * p.aStrides[1]]), residual));
    }
}

} // namespace

void launchPixelShuffleAdd(const PixelShuffleAddArgs& args, cudaStream_t stream)
{
    const int64_t pixels = args.n * args.channels * args.h * args.w;
    if (pixels <= 0)
        return;
    if (args.half)
        pixelShuffleAddKernel<__half><<<gridBlocks(pixels), kThreadsPerBlock, 0, stream>>>(args);
    else
        pixelShuffleAddKernel<float><<<gridBlocks(pixels), kThreadsPerBlock, 0, stream>>>(args);
    throwIfLaunchFailed("pixel shuffle + residual kernel");
}

} // namespace tessera::cuda

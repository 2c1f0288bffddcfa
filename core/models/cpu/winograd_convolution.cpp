#include "models/cpu/winograd_convolution.h"

#include "models/cpu/winograd_kernels.h"

#include <ATen/Parallel.h>

#include <atomic>
#include <vector>

namespace tessera::cpu {

namespace {

std::atomic<bool> g_enabled{true};

// Output tiles one call of winogradTileBlock does: 16 tiles (64 output
// columns) keep its transformed inputs and products ([16][36][C + K]
// floats, 147 KB at 64 channels) in a core's L2 cache.
constexpr int kTilesPerBlock = 16;

// The filter transform costs about 3 ns per transformed value on a core (36
// C K of them: 0.2 ms at 64 -> 64, 163 ms at 1280 -> 1280) whatever the
// map's size, and the products gain less where C + K outgrow the caches.
// Measured on 2 cores against torch's convolution (tests/bench/NOTES.md,
// session 14): 1280 -> 1280 at 32² 1.3x slower, 640 -> 640 at 2 x 32² even,
// 512 -> 512 at 64² 1.55x faster. So from 4096 output pixels (N H' W') on:
// a UNet's deep levels stay with torch, upscaler tiles of 64² and more do not.
constexpr int64_t kFewestOutputPixels = 4096;

bool cpuRunsKernels()
{
#if defined(__x86_64__) || defined(_M_X64)
    static const bool supported = winogradKernelsCompiled() && __builtin_cpu_supports("avx2")
                               && __builtin_cpu_supports("fma");
    return supported;
#else
    return false;
#endif
}

// [K] float32 of a per-channel parameter (a single value repeated).
at::Tensor perChannel(const at::Tensor& values, int64_t channels)
{
    return values.to(at::kFloat).reshape({-1}).expand({channels}).contiguous();
}

} // namespace

void setWinogradConvolutionsEnabled(bool enabled)
{
    g_enabled.store(enabled);
}

bool winogradConvolutionApplies(const at::Tensor& x, const at::Tensor& weight, at::IntArrayRef stride,
                                at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups)
{
    if (!g_enabled.load() || !cpuRunsKernels())
        return false;
    if (!x.device().is_cpu() || x.scalar_type() != at::kFloat || weight.scalar_type() != at::kFloat
        || x.dim() != 4 || weight.dim() != 4 || groups != 1)
        return false;
    if (weight.size(2) != 3 || weight.size(3) != 3 || weight.size(1) != x.size(1))
        return false;
    auto pair = [](at::IntArrayRef values, int64_t expected) {
        return values.size() == 2 && values[0] == expected && values[1] == expected;
    };
    if (!pair(stride, 1) || !pair(dilation, 1) || padding.size() != 2 || padding[0] < 0 || padding[1] < 0)
        return false;
    const int64_t channels = weight.size(1), outChannels = weight.size(0);
    // Fewer channels leave the products too small to pay for the transforms
    // (the first convolution of an image, 3 -> 64, stays direct).
    if (channels % 8 != 0 || outChannels % 8 != 0 || channels < 16)
        return false;
    const int64_t outHeight = x.size(2) + 2 * padding[0] - 2, outWidth = x.size(3) + 2 * padding[1] - 2;
    return outHeight >= 1 && outWidth >= 1 && x.size(0) * outHeight * outWidth >= kFewestOutputPixels;
}

at::Tensor winogradConvolution(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                               at::IntArrayRef padding, const Activation& activation, const at::Tensor& out)
{
    // Channels innermost: read in place when they are (channels_last or a
    // channel slice of it), else copied so.
    const at::Tensor input = x.stride(1) == 1 ? x : x.contiguous(at::MemoryFormat::ChannelsLast);
    const int64_t batch = input.size(0), channels = input.size(1);
    const int height = int(input.size(2)), width = int(input.size(3));
    const int64_t outChannels = weight.size(0);
    const int outHeight = height + 2 * int(padding[0]) - 2, outWidth = width + 2 * int(padding[1]) - 2;
    const at::Tensor target =
        out.defined() && out.stride(1) == 1
            ? out
            : at::empty({batch, outChannels, outHeight, outWidth}, input.options().memory_format(at::MemoryFormat::ChannelsLast));

    // U = G g G^T, [36][C][K]: 590 KB and 0.2 ms at 64 -> 64, so made per
    // call (kFewestOutputPixels keeps it small beside the products) rather
    // than cached per weight tensor at 4x the weights' memory. The channels
    // are shared out over the threads.
    const at::Tensor filters = weight.contiguous();
    std::vector<float> transformed(size_t(36) * channels * outChannels);
    at::parallel_for(0, channels, 8, [&](int64_t begin, int64_t end) {
        winogradTransformWeights(filters.data_ptr<float>(), int(outChannels), int(channels), int(begin), int(end),
                                 transformed.data());
    });
    const at::Tensor biasValues = bias.defined() ? perChannel(bias, outChannels) : at::Tensor();
    const at::Tensor slopes =
        activation.kind == Activation::Kind::PRelu ? perChannel(activation.slopes, outChannels) : at::Tensor();

    WinogradLayer layer;
    layer.inputRowStride = input.stride(2);
    layer.inputPixelStride = input.stride(3);
    layer.height = height;
    layer.width = width;
    layer.channels = int(channels);
    layer.padTop = int(padding[0]);
    layer.padLeft = int(padding[1]);
    layer.weights = transformed.data();
    layer.outChannels = int(outChannels);
    layer.outputRowStride = target.stride(2);
    layer.outputPixelStride = target.stride(3);
    layer.outHeight = outHeight;
    layer.outWidth = outWidth;
    layer.bias = biasValues.defined() ? biasValues.data_ptr<float>() : nullptr;
    layer.activation = int(activation.kind);
    layer.slope = float(activation.slope);
    layer.slopes = slopes.defined() ? slopes.data_ptr<float>() : nullptr;

    const float* inputData = input.data_ptr<float>();
    float* outputData = target.data_ptr<float>();
    const int tileRows = (outHeight + 3) / 4, tilesAcross = (outWidth + 3) / 4;
    const int blocksAcross = (tilesAcross + kTilesPerBlock - 1) / kTilesPerBlock;
    const int64_t itemsPerImage = int64_t(tileRows) * blocksAcross;
    at::parallel_for(0, batch * itemsPerImage, 1, [&](int64_t begin, int64_t end) {
        std::vector<float> scratch(winogradScratchFloats(layer, kTilesPerBlock));
        for (int64_t item = begin; item < end; ++item) {
            const int64_t image = item / itemsPerImage;
            const int tileRow = int(item % itemsPerImage / blocksAcross);
            const int firstTile = int(item % blocksAcross) * kTilesPerBlock;
            WinogradLayer one = layer;
            one.input = inputData + image * input.stride(0);
            one.output = outputData + image * target.stride(0);
            winogradTileBlock(one, tileRow, firstTile, std::min(kTilesPerBlock, tilesAcross - firstTile),
                              scratch.data());
        }
    });
    if (out.defined() && !target.is_same(out)) {
        out.copy_(target);
        return out;
    }
    return target;
}

} // namespace tessera::cpu

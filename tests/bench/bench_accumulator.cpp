#include "bench_accumulator.h"

#include "bench_models.h"

#include "common/torch_compat.h"

#include "tiling/quantize_rows.h"
#include "tiling/tile_accumulator.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace tessera::bench {

namespace {

struct BlendInput {
    TileRect rect;
    at::Tensor values; ///< [3, h, w] fp16, a view into a larger tile output
    at::Tensor wy, wx; ///< [h], [w] float, positive
};

/// Tiles of `side` output pixels overlapping by `overlap` across the width
/// and down the rows, each a narrowed view of a larger fp16 output as the
/// runner hands them over, with random positive weights.
std::vector<BlendInput> blendInputs(const c10::Device& device, int width, int rows, int side, int overlap)
{
    const auto options = at::TensorOptions().device(device);
    std::vector<BlendInput> inputs;
    for (int y = 0;; y += side - overlap) {
        for (int x = 0;; x += side - overlap) {
            const TileRect rect{x, y, std::min(side, width - x), std::min(side, rows - y)};
            const at::Tensor output = at::rand({3, rect.height + 16, rect.width + 16}, options.dtype(at::kHalf));
            inputs.push_back({rect, output.narrow(1, 8, rect.height).narrow(2, 8, rect.width),
                              0.25 + 0.75 * at::rand({rect.height}, options.dtype(at::kFloat)),
                              0.25 + 0.75 * at::rand({rect.width}, options.dtype(at::kFloat))});
            if (rect.right() >= width)
                break;
        }
        if (y + side >= rows)
            return inputs;
    }
}

/// What TileAccumulator computed with torch's ops before its kernels.
struct TorchAccumulator {
    at::Tensor sum;    ///< [3, rows, width]
    at::Tensor weight; ///< [rows, width]

    void add(const BlendInput& in)
    {
        const at::Tensor w2 = in.wy.unsqueeze(1) * in.wx.unsqueeze(0);
        sum.narrow(1, in.rect.y, in.rect.height).narrow(2, in.rect.x, in.rect.width).addcmul_(in.values, w2);
        weight.narrow(0, in.rect.y, in.rect.height).narrow(1, in.rect.x, in.rect.width).add_(w2);
    }
    /// returns [rows, width, 3] float32 or uint8
    at::Tensor finish(bool bytes) const
    {
        const at::Tensor rows = (sum / weight.unsqueeze(0)).permute({1, 2, 0}).contiguous();
        return bytes ? quantizeTo8Bits(rows) : rows;
    }
};

struct Differences {
    double floatRows = 0.0;
    int64_t bytes = 0;
};

/// Both ways over the same tiles: the largest float difference and the
/// number of bytes that differ.
Differences differencesOver(const c10::Device& device, const std::vector<BlendInput>& inputs, int width, int rows)
{
    const TileRect region{0, 0, width, rows};
    TileAccumulator forFloat(region, 3, device), forBytes(region, 3, device);
    TorchAccumulator torch{at::zeros({3, rows, width}, at::TensorOptions().device(device)),
                           at::zeros({rows, width}, at::TensorOptions().device(device))};
    for (const BlendInput& in : inputs) {
        forFloat.add(in.rect, in.values, in.wy, in.wx);
        forBytes.add(in.rect, in.values, in.wy, in.wx);
        torch.add(in);
    }
    const at::Tensor oursFloat = forFloat.takeRows(rows, TileAccumulator::RowType::Float);
    const at::Tensor oursBytes = forBytes.takeRows(rows, TileAccumulator::RowType::Bytes);
    return {(oursFloat - torch.finish(false)).abs().max().item<double>(),
            oursBytes.ne(torch.finish(true)).sum().item<int64_t>()};
}

} // namespace

void compareAccumulatorKernels(const DeviceSpec& spec, int width, int rows)
{
    c10::InferenceMode inference;
    const c10::Device device = toTorchDevice(spec);
    // Tiles that do not overlap: each pixel gets one weighted value, which
    // the kernel and torch round alike, so everything after must be equal.
    const Differences single = differencesOver(device, blendInputs(device, width, rows, 1464, 0), width, rows);
    // Overlapping tiles: the kernel's fused multiply-add rounds once where
    // addcmul may round twice, so sums differ in the last bit.
    const std::vector<BlendInput> inputs = blendInputs(device, width, rows, 1464, 96);
    const Differences overlapping = differencesOver(device, inputs, width, rows);
    std::printf("accumulator kernels against torch's ops, %d x %d x 3: tiles apart max |difference| %.2e, "
                "%lld bytes differ; overlapping tiles %.2e, %lld of %lld bytes differ\n",
                width, rows, single.floatRows, static_cast<long long>(single.bytes), overlapping.floatRows,
                static_cast<long long>(overlapping.bytes), static_cast<long long>(int64_t(width) * rows * 3));

    // Times: blending every tile once; finishing `rows` rows to bytes (with
    // the buffers' zeroing, which takeRows did before too), over a region
    // of ten such bands.
    const TileRect region{0, 0, width, rows};
    TileAccumulator ours(region, 3, device);
    TorchAccumulator torch{at::zeros({3, rows, width}, at::TensorOptions().device(device)),
                           at::zeros({rows, width}, at::TensorOptions().device(device))};
    const double oursBlend = medianMilliseconds(spec, 10, [&] {
        for (const BlendInput& in : inputs)
            ours.add(in.rect, in.values, in.wy, in.wx);
    });
    const double torchBlend = medianMilliseconds(spec, 10, [&] {
        for (const BlendInput& in : inputs)
            torch.add(in);
    });
    TileAccumulator bands({0, 0, width, rows * 14}, 3, device, rows);
    const double oursFinish = medianMilliseconds(spec, 10, [&] {
        (void)bands.takeRows(bands.firstOpenRow() + rows, TileAccumulator::RowType::Bytes);
    });
    const double torchFinish = medianMilliseconds(spec, 10, [&] {
        (void)torch.finish(true);
        torch.sum.zero_();
        torch.weight.zero_();
    });
    std::printf("blending %zu tiles: %.2f ms against torch's ops %.2f ms (%.2fx); finishing the rows to bytes: "
                "%.2f ms against %.2f ms (%.2fx) (medians of 10)\n",
                inputs.size(), oursBlend, torchBlend, torchBlend / oursBlend, oursFinish, torchFinish,
                torchFinish / oursFinish);
}

} // namespace tessera::bench

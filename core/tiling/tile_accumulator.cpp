#include "tiling/tile_accumulator.h"

#include "common/error.h"
#include "tiling/quantize_rows.h"

#include <algorithm>

#ifdef TESSERA_CUDA_KERNELS
#include "tiling/cuda/tile_accumulator_kernels.h"

#include <c10/cuda/CUDAStream.h>
#endif

namespace tessera {

namespace {

#ifdef TESSERA_CUDA_KERNELS
/// One kernel for add() where everything is on one CUDA device in a type the
/// kernel reads; false: the caller takes torch's ops.
bool accumulateWithKernel(at::Tensor& sum, at::Tensor& weight, int64_t top, int64_t left, const at::Tensor& values,
                          const at::Tensor& wy, const at::Tensor& wx)
{
    const c10::Device device = sum.device();
    const bool fits = sum.is_cuda() && values.dim() == 3 && values.size(0) == sum.size(0)
        && values.device() == device && wy.device() == device && wx.device() == device
        && (values.scalar_type() == at::kFloat || values.scalar_type() == at::kHalf)
        && wy.scalar_type() == at::kFloat && wx.scalar_type() == at::kFloat && wy.is_contiguous() && wx.is_contiguous();
    if (!fits)
        return false;
    cuda::AccumulateTileArgs args;
    args.sum = sum.data_ptr<float>();
    args.weight = weight.data_ptr<float>();
    args.capacity = weight.size(0);
    args.bufferWidth = weight.size(1);
    args.top = top;
    args.left = left;
    args.values = values.data_ptr();
    args.valuesHalf = values.scalar_type() == at::kHalf;
    for (int d = 0; d < 3; ++d)
        args.valueStrides[d] = values.stride(d);
    args.wy = wy.data_ptr<float>();
    args.wx = wx.data_ptr<float>();
    args.channels = values.size(0);
    args.height = values.size(1);
    args.width = values.size(2);
    cuda::launchAccumulateTile(args, c10::cuda::getCurrentCUDAStream(sum.device().index()).stream());
    return true;
}
#endif

} // namespace

TileAccumulator::TileAccumulator(const TileRect& region, int channels, const c10::Device& device,
                                 int capacityRows)
    : m_region(region), m_origin(region.y)
{
    if (region.isEmpty() || channels < 1 || capacityRows < 0)
        throw Error(ErrorCode::Internal, "an empty tile accumulator");
    const int capacity = capacityRows > 0 ? std::min(capacityRows, region.height) : region.height;
    const auto options = at::TensorOptions().dtype(at::kFloat).device(device);
    m_sum = at::zeros({channels, capacity, region.width}, options);
    m_weight = at::zeros({capacity, region.width}, options);
}

void TileAccumulator::add(const TileRect& rect, const at::Tensor& values, const at::Tensor& wy,
                          const at::Tensor& wx)
{
    const int top = rect.y - m_origin;
    const int left = rect.x - m_region.x;
    if (top < 0 || top + rect.height > m_weight.size(0) || left < 0
        || rect.right() > m_region.right() || rect.bottom() > m_region.bottom())
        throw Error(ErrorCode::Internal, "a tile outside the reconstruction buffer");
    if (values.size(1) != rect.height || values.size(2) != rect.width || wy.size(0) != rect.height
        || wx.size(0) != rect.width)
        throw Error(ErrorCode::Internal, "tile values or weights of the wrong size");
#ifdef TESSERA_CUDA_KERNELS
    if (accumulateWithKernel(m_sum, m_weight, top, left, values, wy, wx))
        return;
#endif
    // w2: [h, w] = wy [h, 1] * wx [1, w]
    const at::Tensor w2 = wy.unsqueeze(1) * wx.unsqueeze(0);
    m_sum.narrow(1, top, rect.height).narrow(2, left, rect.width).addcmul_(values, w2);
    m_weight.narrow(0, top, rect.height).narrow(1, left, rect.width).add_(w2);
}

bool TileAccumulator::addClipped(const TileRect& rect, const at::Tensor& values, const at::Tensor& wy,
                                 const at::Tensor& wx)
{
    const TileRect open{m_region.x, m_origin, m_region.width,
                        std::min(int(m_weight.size(0)), m_region.bottom() - m_origin)};
    const TileRect part = intersected(rect, open);
    if (part.isEmpty())
        return false;
    const int dy = part.y - rect.y;
    const int dx = part.x - rect.x;
    // values: [C, rect.height, rect.width] -> [C, part.height, part.width]
    add(part, values.narrow(1, dy, part.height).narrow(2, dx, part.width),
        wy.narrow(0, dy, part.height), wx.narrow(0, dx, part.width));
    return true;
}

at::Tensor TileAccumulator::normalised(const TileRect& rect) const
{
    return normalisedRows(rect, /*checkCoverage=*/true);
}

at::Tensor TileAccumulator::normalisedRows(const TileRect& rect, bool checkCoverage) const
{
    const int top = rect.y - m_origin;
    const int left = rect.x - m_region.x;
    if (top < 0 || top + rect.height > m_weight.size(0) || left < 0 || rect.right() > m_region.right())
        throw Error(ErrorCode::Internal, "reading outside the reconstruction buffer");
    const at::Tensor weight = m_weight.narrow(0, top, rect.height).narrow(1, left, rect.width);
    if (checkCoverage && weight.min().item<float>() <= 0.0f)
        throw Error(ErrorCode::Internal, "output pixels that no tile covered");
    // [C, h, w] / [1, h, w]
    return m_sum.narrow(1, top, rect.height).narrow(2, left, rect.width) / weight.unsqueeze(0);
}

at::Tensor TileAccumulator::takeRows(int untilRow, RowType type)
{
    const int count = untilRow - m_origin;
    const int capacity = int(m_weight.size(0));
    if (count < 0 || count > capacity || untilRow > m_region.bottom())
        throw Error(ErrorCode::Internal, "taking rows that are not in the reconstruction buffer");
    const at::Tensor rows = finishedRows(count, type);
    // Move the rows that later tiles still add to up to the top.
    const int remaining = capacity - count;
    if (remaining > 0 && count > 0) {
        m_sum.narrow(1, 0, remaining).copy_(m_sum.narrow(1, count, remaining).clone());
        m_weight.narrow(0, 0, remaining).copy_(m_weight.narrow(0, count, remaining).clone());
    }
    m_sum.narrow(1, remaining, count).zero_();
    m_weight.narrow(0, remaining, count).zero_();
    m_origin = untilRow;
    return rows;
}

at::Tensor TileAccumulator::finishedRows(int count, RowType type) const
{
    const bool bytes = type == RowType::Bytes;
#ifdef TESSERA_CUDA_KERNELS
    if (m_sum.is_cuda()) {
        at::Tensor rows = at::empty({count, m_sum.size(2), m_sum.size(0)},
                                    m_sum.options().dtype(bytes ? at::kByte : at::kFloat));
        cuda::FinishRowsArgs args;
        args.sum = m_sum.data_ptr<float>();
        args.weight = m_weight.data_ptr<float>();
        args.capacity = m_weight.size(0);
        args.rows = count;
        args.width = m_weight.size(1);
        args.channels = m_sum.size(0);
        args.out = rows.data_ptr();
        args.bytes = bytes;
        cuda::launchFinishRows(args, c10::cuda::getCurrentCUDAStream(m_sum.device().index()).stream());
        return rows;
    }
#endif
    // rows: [C, count, W] -> [count, W, C]
    const at::Tensor rows =
        normalisedRows({m_region.x, m_origin, m_region.width, count}, !m_weight.is_cuda()).permute({1, 2, 0}).contiguous();
    return bytes ? quantizeTo8Bits(rows) : rows;
}

const at::Tensor& BlendWeightCache::axis(const AxisBlend& blend)
{
    auto it = m_weights.find(blend);
    if (it == m_weights.end()) {
        const std::vector<float> weights = axisWeights(m_ramp, blend.length, blend.rampStart, blend.rampEnd);
        it = m_weights.emplace(blend, at::tensor(weights).to(m_device)).first;
    }
    return it->second;
}

} // namespace tessera

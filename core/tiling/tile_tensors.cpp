#include "tiling/tile_tensors.h"

#include "common/error.h"
#include "common/torch_compat.h"

#include <string>
#include <vector>

namespace tessera::detail {

namespace {

/// Source indices of `count` positions starting at `start` along an axis of
/// `size` pixels, reflected into the image, minus `offset`.
at::Tensor reflectedIndices(int start, int count, int size, int offset)
{
    std::vector<int64_t> indices(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i)
        indices[size_t(i)] = reflectIndex(start + i, size) - offset;
    return at::tensor(indices, at::kLong);
}

std::string shapeText(const at::Tensor& t)
{
    std::string text = "[";
    for (int64_t d = 0; d < t.dim(); ++d)
        text += (d ? ", " : "") + std::to_string(t.size(d));
    return text + "]";
}

} // namespace

at::Tensor reflectPad(const at::Tensor& x, int left, int right, int top, int bottom)
{
    const int h = int(x.size(-2));
    const int w = int(x.size(-1));
    at::Tensor cols = reflectedIndices(-left, w + left + right, w, 0).to(x.device());
    at::Tensor rows = reflectedIndices(-top, h + top + bottom, h, 0).to(x.device());
    // x: [..., H, W] -> [..., H, W + left + right] -> [..., H + top + bottom, W + left + right]
    return x.index_select(-1, cols).index_select(-2, rows);
}

at::Tensor gatherPadded(const at::Tensor& band, int bandFirst, int imageHeight,
                        const TileRect& padded)
{
    const int bandRows = int(band.size(0));
    const int imageWidth = int(band.size(1));
    at::Tensor cols = reflectedIndices(padded.x, padded.width, imageWidth, 0);
    at::Tensor rows = reflectedIndices(padded.y, padded.height, imageHeight, bandFirst);
    if (padded.height > 0) {
        const int64_t lo = rows.min().item<int64_t>();
        const int64_t hi = rows.max().item<int64_t>();
        if (lo < 0 || hi >= bandRows)
            throw Error(ErrorCode::Internal, "tile rows outside the input band");
    }
    if (!band.is_cpu()) {
        cols = cols.to(band.device(), /*non_blocking=*/true);
        rows = rows.to(band.device(), /*non_blocking=*/true);
    }
    // Columns first: the band is full width, the tile is narrow.
    // band: [rows, W, C] -> [rows, pw, C] -> [ph, pw, C] -> [C, ph, pw]
    return band.index_select(1, cols).index_select(0, rows).permute({2, 0, 1});
}

ChannelMapper::ChannelMapper(const TileModel& model, int imageChannels, AlphaMode alpha)
    : m_model(model), m_imageChannels(imageChannels), m_alpha(alpha)
{
    const int in = model.inChannels;
    if (in == imageChannels) {
        // The model takes every channel as it is (alpha included, if any).
        m_colourChannels = imageChannels;
        m_outChannels = model.outChannels;
        return;
    }
    const bool hasAlpha = imageChannels == 2 || imageChannels == 4;
    m_colourChannels = hasAlpha ? imageChannels - 1 : imageChannels;
    m_separateAlpha = hasAlpha;
    const bool fits = m_colourChannels == in || (m_colourChannels == 1 && in == 3)
                      || (m_colourChannels == 3 && in == 1);
    if (!fits || model.outChannels != in)
        throw Error(ErrorCode::InvalidArgument,
                    "a model with " + std::to_string(in) + " input and "
                        + std::to_string(model.outChannels) + " output channels cannot process an image with "
                        + std::to_string(imageChannels) + " channels");
    m_outChannels = imageChannels;
}

at::Tensor ChannelMapper::inferColour(const at::Tensor& x) const
{
    const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    const int s = m_model.scale;
    auto run = [&](const at::Tensor& input) {
        // input: [N', inChannels, h, w] -> [N', outChannels, h * s, w * s]
        at::Tensor output = m_model.forward(input.to(toTorchDtype(m_model.precision)));
        if (output.dim() != 4 || output.size(0) != input.size(0)
            || output.size(1) != m_model.outChannels || output.size(2) != h * s
            || output.size(3) != w * s)
            throw Error(ErrorCode::InvalidModel,
                        "the model returned " + shapeText(output) + " for an input of "
                            + shapeText(input) + " (expected " + std::to_string(m_model.outChannels)
                            + " channels at scale " + std::to_string(s) + ")");
        return output.to(at::kFloat);
    };
    const int in = m_model.inChannels;
    if (c == in)
        return run(x);
    if (c == 1 && in == 3) {
        // Grey through an RGB model: replicate, then average the result back.
        return run(x.expand({n, 3, h, w})).mean(1, /*keepdim=*/true);
    }
    // RGB through a grey model: each channel as its own batch item.
    // x: [N, 3, h, w] -> [N * 3, 1, h, w] -> [N * 3, 1, H, W] -> [N, 3, H, W]
    return run(x.reshape({n * c, 1, h, w})).reshape({n, c, h * s, w * s});
}

at::Tensor ChannelMapper::infer(const at::Tensor& x) const
{
    const c10::Device device = toTorchDevice(m_model.device);
    at::Tensor input = x.contiguous();
    if (input.device() != device) {
        // Pinned host memory lets the copy run asynchronously to the device.
        input = input.pin_memory().to(device, /*non_blocking=*/true);
    }
    if (!m_separateAlpha)
        return inferColour(input);
    // input: [N, colour + 1, h, w]
    at::Tensor colour = input.narrow(1, 0, m_colourChannels);
    at::Tensor alpha = input.narrow(1, m_colourChannels, 1);
    at::Tensor colourOut = inferColour(colour);
    at::Tensor alphaOut;
    if (m_alpha == AlphaMode::Model) {
        alphaOut = inferColour(alpha);
    } else {
        const int s = m_model.scale;
        // alpha: [N, 1, h, w] -> [N, 1, h * s, w * s]; bicubic overshoots, alpha may not.
        alphaOut = at::upsample_bicubic2d(alpha, {alpha.size(2) * s, alpha.size(3) * s},
                                          /*align_corners=*/false)
                       .clamp(0.0, 1.0);
    }
    return at::cat({colourOut, alphaOut}, 1);
}

BandAccumulator::BandAccumulator(int width, int height, int channels, int capacityRows,
                                 const c10::Device& device)
    : m_width(width), m_height(height)
{
    const auto options = at::TensorOptions().dtype(at::kFloat).device(device);
    m_sum = at::zeros({channels, capacityRows, width}, options);
    m_weight = at::zeros({capacityRows, width}, options);
}

void BandAccumulator::add(const TileRect& rect, const at::Tensor& values, const at::Tensor& wy,
                          const at::Tensor& wx)
{
    const int top = rect.y - m_origin;
    if (top < 0 || top + rect.height > m_weight.size(0) || rect.x < 0 || rect.right() > m_width)
        throw Error(ErrorCode::Internal, "tile outside the reconstruction buffer");
    // w2: [h, w] = wy [h, 1] * wx [1, w]
    at::Tensor w2 = wy.unsqueeze(1) * wx.unsqueeze(0);
    m_sum.narrow(1, top, rect.height).narrow(2, rect.x, rect.width).add_(values * w2);
    m_weight.narrow(0, top, rect.height).narrow(1, rect.x, rect.width).add_(w2);
}

void BandAccumulator::flush(int untilRow, RowSink& sink, int chunkRows)
{
    const int count = untilRow - m_origin;
    const int capacity = int(m_weight.size(0));
    if (count <= 0)
        return;
    if (count > capacity || untilRow > m_height)
        throw Error(ErrorCode::Internal, "flushing rows that are not in the reconstruction buffer");
    chunkRows = std::max(1, chunkRows);
    at::Tensor staging;
    for (int offset = 0; offset < count; offset += chunkRows) {
        const int rows = std::min(chunkRows, count - offset);
        at::Tensor weight = m_weight.narrow(0, offset, rows);
        if (weight.min().item<float>() <= 0.0f)
            throw Error(ErrorCode::Internal, "output rows that no tile covered");
        // part: [C, rows, W] / [1, rows, W] -> [rows, W, C] on the host
        at::Tensor part = (m_sum.narrow(1, offset, rows) / weight.unsqueeze(0)).permute({1, 2, 0});
        at::Tensor host;
        if (part.is_cuda()) {
            if (!staging.defined())
                staging = at::empty({chunkRows, m_width, part.size(2)},
                                    at::TensorOptions().dtype(at::kFloat).pinned_memory(true));
            host = staging.narrow(0, 0, rows);
            host.copy_(part);
        } else {
            host = part.contiguous();
        }
        sink.writeRows(m_origin + offset, rows, host.data_ptr<float>());
    }
    // Move the rows that later tiles still add to up to the top.
    const int remaining = capacity - count;
    if (remaining > 0) {
        m_sum.narrow(1, 0, remaining).copy_(m_sum.narrow(1, count, remaining).clone());
        m_weight.narrow(0, 0, remaining).copy_(m_weight.narrow(0, count, remaining).clone());
    }
    m_sum.narrow(1, remaining, count).zero_();
    m_weight.narrow(0, remaining, count).zero_();
    m_origin = untilRow;
}

bool isOutOfMemoryError(const std::exception& error)
{
    if (const auto* ours = dynamic_cast<const Error*>(&error))
        return ours->code() == ErrorCode::OutOfMemory;
    return isOutOfMemory(error);
}

} // namespace tessera::detail

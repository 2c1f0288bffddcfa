#include "tiling/tile_tensors.h"

#include "common/error.h"
#include "common/int_math.h"
#include "common/torch_compat.h"

#include <c10/util/StringUtil.h>

#include <algorithm>

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


} // namespace

at::Tensor reflectWindow(const at::Tensor& x, const TileRect& window, int imageHeight, int firstRow)
{
    const int rowsHeld = int(x.size(-2));
    const int width = int(x.size(-1));
    if (imageHeight < 0)
        imageHeight = rowsHeld;
    // A window inside the image and the rows held needs no reflection: one
    // copy, and no index tensors to upload.
    if (window.x >= 0 && window.right() <= width && window.y >= firstRow && window.y >= 0
        && window.bottom() <= std::min(imageHeight, firstRow + rowsHeld))
        return x.narrow(-1, window.x, window.width).narrow(-2, window.y - firstRow, window.height).clone();
    at::Tensor cols = reflectedIndices(window.x, window.width, width, 0);
    at::Tensor rows = reflectedIndices(window.y, window.height, imageHeight, firstRow);
    if (window.height > 0) {
        const int64_t lo = rows.min().item<int64_t>();
        const int64_t hi = rows.max().item<int64_t>();
        if (lo < 0 || hi >= rowsHeld)
            throw Error(ErrorCode::Internal, "window rows outside the rows held");
    }
    if (!x.is_cpu()) {
        cols = cols.to(x.device(), /*non_blocking=*/true);
        rows = rows.to(x.device(), /*non_blocking=*/true);
    }
    // Columns first: a band is full width, a window narrow.
    // x: [..., H, W] -> [..., H, ww] -> [..., wh, ww]
    return x.index_select(-1, cols).index_select(-2, rows);
}

at::Tensor cropWithin(const at::Tensor& x, const TileRect& frame, const TileRect& rect)
{
    const int64_t h = x.dim() - 2, w = x.dim() - 1;
    return x.narrow(h, rect.y - frame.y, rect.height).narrow(w, rect.x - frame.x, rect.width);
}

TileRect paddedArea(const TileRect& area, int halo, int multiple)
{
    return {area.x - halo, area.y - halo, roundUpToMultiple(area.width + 2 * halo, multiple),
            roundUpToMultiple(area.height + 2 * halo, multiple)};
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
    const ScaleRatio s = m_model.scale;
    const int64_t outH = s.toOutput(int(h)), outW = s.toOutput(int(w));
    auto run = [&](const at::Tensor& input) {
        // input: [N', inChannels, h, w] -> [N', outChannels, h * s, w * s]
        at::Tensor output = m_model.forward(input.to(toTorchDtype(m_model.precision)));
        if (output.dim() != 4 || output.size(0) != input.size(0)
            || output.size(1) != m_model.outChannels || output.size(2) != outH
            || output.size(3) != outW)
            throw Error(ErrorCode::InvalidModel,
                        "the model returned " + c10::str(output.sizes()) + " for an input of "
                            + c10::str(input.sizes()) + " (expected " + std::to_string(m_model.outChannels)
                            + " channels at scale " + scaleText(s) + ")");
        return output.is_cuda() ? output : output.to(at::kFloat);
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
    return run(x.reshape({n * c, 1, h, w})).reshape({n, c, outH, outW});
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
        const ScaleRatio s = m_model.scale;
        // alpha: [N, 1, h, w] -> [N, 1, h * s, w * s]; bicubic overshoots, alpha may not.
        alphaOut = at::upsample_bicubic2d(alpha, {s.toOutput(int(alpha.size(2))), s.toOutput(int(alpha.size(3)))},
                                          /*align_corners=*/false)
                       .clamp(0.0, 1.0);
    }
    return at::cat({colourOut.to(at::kFloat), alphaOut.to(at::kFloat)}, 1);
}

at::Tensor inferArea(const ChannelMapper& mapper, const TilePlan& plan, const at::Tensor& image,
                     int imageHeight, int firstRow, const TileRect& area)
{
    const int halo = plan.settings().halo;
    const ScaleRatio s = plan.settings().scale;
    const TileRect padded = paddedArea(area, halo, plan.padMultiple());
    // x: [1, C, ph, pw] -> y: [1, C', s * ph, s * pw] -> cropped [C', s * h, s * w]
    const at::Tensor x = reflectWindow(image, padded, imageHeight, firstRow).unsqueeze(0);
    const at::Tensor y = mapper.infer(x);
    return y[0]
        .narrow(1, s.toOutput(halo), s.toOutput(area.height))
        .narrow(2, s.toOutput(halo), s.toOutput(area.width));
}

bool isOutOfMemoryError(const std::exception& error)
{
    if (const auto* ours = dynamic_cast<const Error*>(&error))
        return ours->code() == ErrorCode::OutOfMemory;
    return isOutOfMemory(error);
}

} // namespace tessera::detail

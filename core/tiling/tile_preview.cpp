#include "tiling/tile_preview.h"

#include "common/error.h"
#include "common/torch_compat.h"
#include "image/tensor_convert.h"
#include "tiling/tile_tensors.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>

namespace tessera {

namespace {

/// The intersection of two rectangles (empty width/height when disjoint).
TileRect intersect(const TileRect& a, const TileRect& b)
{
    const int x = std::max(a.x, b.x);
    const int y = std::max(a.y, b.y);
    const int right = std::min(a.right(), b.right());
    const int bottom = std::min(a.bottom(), b.bottom());
    return {x, y, std::max(0, right - x), std::max(0, bottom - y)};
}

} // namespace

TilePreview previewTile(const Image& image, const TilePlan& plan, int index, const TileModel& model,
                        BlendRamp ramp, AlphaMode alpha, const CancelToken& cancel, PreviewStage, int, int)
{
    if (index < 0 || index >= plan.tileCount())
        throw Error(ErrorCode::InvalidArgument, "no tile " + std::to_string(index) + " in the plan");
    if (plan.imageWidth() != image.width() || plan.imageHeight() != image.height()
        || plan.settings().scale != model.scale)
        throw Error(ErrorCode::InvalidArgument, "the tile plan was made for another image or model");
    c10::InferenceMode inference;
    const detail::ChannelMapper mapper(model, image.channels(), alpha);
    const c10::Device device = toTorchDevice(model.device);
    const int s = plan.settings().scale;
    const Tile& focus = plan.tiles()[size_t(index)];
    const TileRect outRect = plan.toOutput(focus.area);

    // The whole image as a band [H, W, C] (a view, no copy): gatherPadded
    // reflects at the image border exactly as the runner does.
    const at::Tensor band = at::from_blob(const_cast<float*>(image.data()),
                                          {image.height(), image.width(), image.channels()}, at::kFloat);
    const auto options = at::TensorOptions().dtype(at::kFloat).device(device);
    at::Tensor sum = at::zeros({mapper.outputChannels(), outRect.height, outRect.width}, options);
    at::Tensor weight = at::zeros({outRect.height, outRect.width}, options);

    int tilesRun = 0;
    for (const Tile& tile : plan.tiles()) {
        const TileRect blendOut = plan.toOutput(tile.blend);
        const TileRect part = intersect(blendOut, outRect);
        if (part.width == 0 || part.height == 0)
            continue;
        cancel.throwIfCancelled();
        ++tilesRun;
        // x: [1, C, ph, pw] -> y: [1, C', s * ph, s * pw], cropped to the tile's area
        at::Tensor x = detail::gatherPadded(band, 0, image.height(), tile.halo).unsqueeze(0);
        at::Tensor y = mapper.infer(x)[0]
                           .narrow(1, s * (tile.area.y - tile.halo.y), s * tile.area.height)
                           .narrow(2, s * (tile.area.x - tile.halo.x), s * tile.area.width);
        // The tile's weights over its blend region, cut to the preview area.
        at::Tensor wy = at::tensor(tileWeightsY(plan, tile, ramp)).to(device).narrow(0, part.y - blendOut.y, part.height);
        at::Tensor wx = at::tensor(tileWeightsX(plan, tile, ramp)).to(device).narrow(0, part.x - blendOut.x, part.width);
        at::Tensor w2 = wy.unsqueeze(1) * wx.unsqueeze(0); // [part.height, part.width]
        at::Tensor values = y.narrow(1, part.y - s * tile.area.y, part.height)
                                .narrow(2, part.x - s * tile.area.x, part.width);
        sum.narrow(1, part.y - outRect.y, part.height).narrow(2, part.x - outRect.x, part.width)
            .add_(values * w2);
        weight.narrow(0, part.y - outRect.y, part.height).narrow(1, part.x - outRect.x, part.width).add_(w2);
    }
    TilePreview preview;
    preview.outputRect = outRect;
    preview.pixels = tensorToImage(sum / weight.unsqueeze(0));
    preview.tilesRun = tilesRun;
    return preview;
}

} // namespace tessera

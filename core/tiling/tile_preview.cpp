#include "tiling/tile_preview.h"

#include "common/error.h"
#include "common/finite_values.h"
#include "common/int_math.h"
#include "common/torch_compat.h"
#include "image/tensor_convert.h"
#include "tiling/finite_rows.h"
#include "tiling/tile_accumulator.h"
#include "tiling/tile_tensors.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>

namespace tessera {

namespace {

/// A side x side window centred on (cx, cy), moved inside `area`, on
/// multiples of den like every rectangle of the plan.
TileRect windowInside(const TileRect& area, int cx, int cy, int side, int den)
{
    const int w = std::min(roundUpToMultiple(std::max(side, 1), den), area.width);
    const int h = std::min(roundUpToMultiple(std::max(side, 1), den), area.height);
    const int x = std::clamp(cx - w / 2, area.x, area.right() - w);
    const int y = std::clamp(cy - h / 2, area.y, area.bottom() - h);
    return {roundDownToMultiple(x, den), roundDownToMultiple(y, den), w, h};
}

} // namespace

TilePreview previewTile(const Image& image, const TilePlan& plan, const TileModel& model,
                        const PreviewRequest& request, const CancelToken& cancel)
{
    if (request.tile < 0 || request.tile >= plan.tileCount())
        throw Error(ErrorCode::InvalidArgument,
                    "no tile " + std::to_string(request.tile) + " in the plan");
    if (plan.imageWidth() != image.width() || plan.imageHeight() != image.height()
        || plan.settings().scale != model.scale
        || plan.settings().inputMultiple != model.inputMultiple)
        throw Error(ErrorCode::InvalidArgument, "the tile plan was made for another image or model");
    // An image with NaN or infinities is previewed as the run will see it:
    // a copy with the rule applied (files almost never hold one, and the
    // check is one pass at memory speed).
    if (request.replaceNonFinite && !allFinite(image.data(), size_t(image.pixelCount()) * size_t(image.channels()))) {
        Image finite = image;
        replaceNonFinitePixels(finite.data(), size_t(finite.pixelCount()), finite.channels());
        PreviewRequest asIs = request;
        asIs.replaceNonFinite = false;
        return previewTile(finite, plan, model, asIs, cancel);
    }
    c10::InferenceMode inference;
    const detail::ChannelMapper mapper(model, image.channels(), request.alpha);
    const Tile& focus = plan.tiles()[size_t(request.tile)];
    // The whole image as a [C, H, W] view (no copy): reflectWindow reflects
    // at the image border exactly as the runner does.
    const at::Tensor whole = at::from_blob(const_cast<float*>(image.data()),
                                           {image.height(), image.width(), image.channels()}, at::kFloat)
                                 .permute({2, 0, 1});
    // y: [C', s * h, s * w] for an area run with the plan's halo
    auto run = [&](const TileRect& area) {
        cancel.throwIfCancelled();
        return detail::inferArea(mapper, plan, whole, image.height(), 0, area);
    };

    TilePreview preview;
    switch (request.stage) {
    case PreviewStage::Window: {
        const TileRect window = windowInside(focus.area, request.cursorX, request.cursorY,
                                             request.windowSize, plan.settings().scale.den);
        preview.outputRect = plan.toOutput(window);
        preview.pixels = tensorToImage(run(window));
        preview.tilesRun = 1;
        return preview;
    }
    case PreviewStage::Tile:
        preview.outputRect = plan.toOutput(focus.area);
        preview.pixels = tensorToImage(run(focus.area));
        preview.tilesRun = 1;
        return preview;
    case PreviewStage::Blended:
        break;
    }

    // Every tile whose blend region reaches into the focus tile's area,
    // blended over that area with the weights of runTiled.
    const TileRect outRect = plan.toOutput(focus.area);
    TileAccumulator accumulator(outRect, mapper.outputChannels(), toTorchDevice(model.device));
    BlendWeightCache weights(request.ramp, toTorchDevice(model.device));
    for (const Tile& tile : plan.tiles()) {
        const TileRect blendOut = plan.toOutput(tile.blend);
        if (intersected(blendOut, outRect).isEmpty())
            continue;
        const TileRect areaOut = plan.toOutput(tile.area);
        // y: [C', s * th, s * tw] -> its blend region [C', blendOut.height, blendOut.width]
        const at::Tensor values = run(tile.area)
                                      .narrow(1, blendOut.y - areaOut.y, blendOut.height)
                                      .narrow(2, blendOut.x - areaOut.x, blendOut.width);
        accumulator.addClipped(blendOut, values, weights.y(plan, tile), weights.x(plan, tile));
        ++preview.tilesRun;
    }
    preview.outputRect = outRect;
    preview.pixels = tensorToImage(accumulator.result());
    return preview;
}

} // namespace tessera

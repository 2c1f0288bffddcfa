#pragma once
/// Tensor helpers of tiled inference (internal to core/tiling): the one
/// reflect padding (a window of an image, reaching outside it), running the
/// model with the image's channels mapped onto the model's, and running one
/// area with its halo.

#include "tiling/tile_model.h"
#include "tiling/tile_plan.h"
#include "tiling/tiled_runner.h"

#include <ATen/ATen.h>

namespace tessera::detail {

/// The rectangle `window` (image coordinates; it may reach outside the image)
/// of `x`, which holds image rows [firstRow, firstRow + H) of an image
/// `imageHeight` rows tall (-1: x is the whole image). Rows and columns
/// outside the image are mirrored by reflectIndex, so any pad width works,
/// also wider than the image (repeated reflection) and 1-pixel images
/// (replication), unlike reflection_pad2d which needs pad < size. The one
/// reflect padding of the engine: plain padding is the window
/// {-left, -top, W + left + right, H + top + bottom}.
/// x: [..., H, W] -> [..., window.height, window.width] on x's device
at::Tensor reflectWindow(const at::Tensor& x, const TileRect& window, int imageHeight = -1,
                         int firstRow = 0);

/// The part `rect` of `x`, which covers `frame` (both in the same
/// coordinates; rect inside frame): the crop of a tile's output to its area
/// or blend region. x: [..., frame.height, frame.width] -> [..., rect.height, rect.width]
at::Tensor cropWithin(const at::Tensor& x, const TileRect& frame, const TileRect& rect);

/// The model's input for `area`: the area plus `halo` on every side, the
/// right and bottom widened so both sides are multiples of `multiple` (the
/// shape a TilePlan gives its tiles).
TileRect paddedArea(const TileRect& area, int halo, int multiple);

/// How the image's channels meet the model's, decided once per run.
class ChannelMapper {
public:
    /// Throws Error(InvalidArgument) when the model cannot take these channels.
    ChannelMapper(const TileModel& model, int imageChannels, AlphaMode alpha);
    int outputChannels() const { return m_outChannels; }

    /// Runs the model on padded tiles and returns the output at full scale.
    /// x: [N, imageChannels, h, w] float32 on the host (copied through pinned
    /// memory) or already on the model's device; h, w multiples of scale.den
    /// -> [N, outputChannels, h * s, w * s] on the model's device: float32,
    /// or on CUDA the model's dtype (fp16, bf16), which the accumulator's
    /// kernel reads as it is (no conversion pass over the output)
    at::Tensor infer(const at::Tensor& x) const;

private:
    /// Colour (or grey) channels through the model.
    /// x: [N, c, h, w] float32 on device -> [N, c, h * s, w * s] as infer()'s
    at::Tensor inferColour(const at::Tensor& x) const;

    const TileModel& m_model;
    int m_imageChannels = 0;
    int m_colourChannels = 0; ///< channels the model sees (all of them when the model takes alpha)
    bool m_separateAlpha = false;
    AlphaMode m_alpha = AlphaMode::Resize;
    int m_outChannels = 0;
};

/// Runs `area` (inside the image) with the plan's halo and pad multiple and
/// crops the halo's output: what a plan tile of that area would give.
/// image: [C, rows, W] float32, image rows [firstRow, firstRow + rows) of an
/// image imageHeight rows tall -> [C', s * area.height, s * area.width] on the
/// model's device
at::Tensor inferArea(const ChannelMapper& mapper, const TilePlan& plan, const at::Tensor& image,
                     int imageHeight, int firstRow, const TileRect& area);

/// True for LibTorch's and our own out-of-memory errors.
bool isOutOfMemoryError(const std::exception& error);

} // namespace tessera::detail

#pragma once
/// Tensor helpers of the tiled runner (internal to core/tiling): building a
/// padded tile from an input band with reflect padding, running the model
/// with the image's channels mapped onto the model's, and the reconstruction
/// buffer that accumulates weighted tiles and hands finished rows to a sink.

#include "tiling/row_sink.h"
#include "tiling/tile_model.h"
#include "tiling/tile_plan.h"
#include "tiling/tiled_runner.h"

#include <ATen/ATen.h>

namespace tessera::detail {

/// Reflect-pads along both axes by index mapping: works for any pad width,
/// also wider than the image (repeated reflection) and for 1-pixel images
/// (replication), unlike reflection_pad2d which needs pad < size.
/// x: [..., H, W] -> [..., H + top + bottom, W + left + right]
at::Tensor reflectPad(const at::Tensor& x, int left, int right, int top, int bottom);

/// The padded input of `padded` (image coordinates, may reach outside the
/// image) taken from `band`, which holds image rows [bandFirst, bandFirst +
/// rows) at full width, with rows and columns outside the image reflected.
/// The result lies on the band's device.
/// band: [rows, imageWidth, C] float32 (HWC) -> returns [C, padded.height, padded.width]
at::Tensor gatherPadded(const at::Tensor& band, int bandFirst, int imageHeight,
                        const TileRect& padded);

/// How the image's channels meet the model's, decided once per run.
class ChannelMapper {
public:
    /// Throws Error(InvalidArgument) when the model cannot take these channels.
    ChannelMapper(const TileModel& model, int imageChannels, AlphaMode alpha);
    int outputChannels() const { return m_outChannels; }

    /// Runs the model on padded tiles and returns the output at full scale.
    /// x: [N, imageChannels, h, w] float32 on the host (copied through pinned
    /// memory) or already on the model's device
    /// -> [N, outputChannels, h * s, w * s] float32 on the model's device
    at::Tensor infer(const at::Tensor& x) const;

private:
    /// Colour (or grey) channels through the model.
    /// x: [N, c, h, w] float32 on device -> [N, c, h * s, w * s] float32
    at::Tensor inferColour(const at::Tensor& x) const;

    const TileModel& m_model;
    int m_imageChannels = 0;
    int m_colourChannels = 0; ///< channels the model sees (all of them when the model takes alpha)
    bool m_separateAlpha = false;
    AlphaMode m_alpha = AlphaMode::Resize;
    int m_outChannels = 0;
};

/// The reconstruction buffer of one band of output rows: weighted sums of
/// tiles plus a weight buffer, on the model's device. Rows that no later tile
/// touches are normalised and handed to the sink; the rest move to the top.
class BandAccumulator {
public:
    /// capacityRows: the most output rows that are open at once (scale x tile height).
    BandAccumulator(int width, int height, int channels, int capacityRows,
                    const c10::Device& device);

    /// Adds `values` with weight wy(y) * wx(x) over `rect` (output pixels).
    /// values: [C, rect.height, rect.width]; wy: [rect.height]; wx: [rect.width]
    void add(const TileRect& rect, const at::Tensor& values, const at::Tensor& wy,
             const at::Tensor& wx);
    /// Normalises rows [next unwritten row, untilRow) and writes them to `sink`
    /// in chunks of at most chunkRows.
    void flush(int untilRow, RowSink& sink, int chunkRows);

private:
    int m_width;
    int m_height;
    int m_origin = 0; ///< output row of buffer row 0 (= next row to hand over)
    at::Tensor m_sum;    // [C, capacityRows, width]
    at::Tensor m_weight; // [capacityRows, width]
};

/// True for LibTorch's and our own out-of-memory errors.
bool isOutOfMemoryError(const std::exception& error);

} // namespace tessera::detail

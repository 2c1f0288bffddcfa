#pragma once
/// The one tile accumulator of tiled inference (DESIGN.md, "Jobs, weights and
/// tiles"): weighted sums of tile outputs in a [C, rows, W] buffer plus a
/// [rows, W] weight buffer on a device, normalised when read. It knows no
/// scale: callers give rectangles in output pixels (TilePlan::toOutput), so
/// the same class serves x4 upscaling, /8 encoding, x8 decoding and 1:1
/// latent tiles.
///
/// Math: out(p) = sum_t w_t(p) T_t(p) / sum_t w_t(p) with separable weights
/// w_t(x, y) = wy_t(y) wx_t(x) (tileWeightsX/Y). Where two tiles share a band
/// with ramp M their weights are 1 - M and M, so out = T1 (1 - M) + T2 M;
/// dividing by the accumulated weight keeps float rounding from showing.
///
/// Two ways to use it:
/// - In memory: capacity = the region's height; add every tile, then
///   result() gives the normalised [C, H, W] (split retry, preview, latents).
/// - Sliding window (the streaming runner): capacity = the rows one tile row
///   spans; takeRows() gives the finished rows (for a RowWriter) and moves the
///   open rows up.

#include "tiling/blend.h"
#include "tiling/tile_plan.h"

#include <ATen/ATen.h>

#include <map>

namespace tessera {

class TileAccumulator {
public:
    /// Accumulates over `region` (output pixels) with `channels` channels on
    /// `device`, keeping at most `capacityRows` rows open at once (0: all).
    TileAccumulator(const TileRect& region, int channels, const c10::Device& device,
                    int capacityRows = 0);

    const TileRect& region() const { return m_region; }
    /// The first output row not yet flushed (region().y before any flush).
    int firstOpenRow() const { return m_origin; }

    /// Adds values * wy(y) * wx(x) over `rect` (output pixels), which must lie
    /// inside the region's columns and the open rows (else Error(Internal)).
    /// On CUDA one kernel reads fp32 or fp16 values as they are (any strides).
    /// values: [C, rect.height, rect.width]; wy: [rect.height]; wx: [rect.width]
    void add(const TileRect& rect, const at::Tensor& values, const at::Tensor& wy,
             const at::Tensor& wx);
    /// add() of the part of `rect` inside the region's open rows, with
    /// `values`, `wy` and `wx` cut to match; false when nothing overlaps.
    bool addClipped(const TileRect& rect, const at::Tensor& values, const at::Tensor& wy,
                    const at::Tensor& wx);

    /// The normalised sums over `rect` (inside the open rows).
    /// Throws Error(Internal) when a pixel received no weight; on a GPU that
    /// check waits for the device, so the streaming takeRows() leaves it out.
    /// returns [C, rect.height, rect.width]
    at::Tensor normalised(const TileRect& rect) const;
    /// normalised(region()): the whole in-memory result. returns [C, H, W]
    at::Tensor result() const { return normalised(m_region); }

    /// What takeRows() gives: float32, or uint8 rounded by OpenImageIO's rule
    /// (quantize_rows.h) on the accumulator's device, for an 8-bit file.
    enum class RowType { Float, Bytes };

    /// Normalises rows [firstOpenRow(), untilRow) and returns them as HWC
    /// rows on the accumulator's device, without waiting for it (on the CPU a
    /// pixel no tile covered is still an Error(Internal)); later rows move up
    /// to the top of the buffer. On CUDA, one kernel divides, transposes and
    /// rounds (tiling/cuda/), with the same values as torch's ops.
    /// returns [untilRow - firstOpenRow(), region.width, C], contiguous
    at::Tensor takeRows(int untilRow, RowType type = RowType::Float);

private:
    at::Tensor normalisedRows(const TileRect& rect, bool checkCoverage) const;
    /// The first `count` buffer rows, normalised, as takeRows() returns them.
    at::Tensor finishedRows(int count, RowType type) const;

    TileRect m_region;
    int m_origin = 0;    ///< output row of buffer row 0
    at::Tensor m_sum;    ///< [C, capacityRows, region.width]
    at::Tensor m_weight; ///< [capacityRows, region.width]
};

/// Blend weights of tiles as tensors on a device, built once per axis shape
/// (length and ramps in output pixels) and reused: the tiles of a plan, and of
/// a split retry's sub-plans, come in a handful of shapes.
class BlendWeightCache {
public:
    BlendWeightCache(BlendRamp ramp, const c10::Device& device) : m_ramp(ramp), m_device(device) {}

    /// tileWeightsX(plan, tile) on the device: [plan.toOutput(tile.blend).width]
    const at::Tensor& x(const TilePlan& plan, const Tile& tile) { return axis(tileBlendX(plan, tile)); }
    /// tileWeightsY(plan, tile) on the device: [plan.toOutput(tile.blend).height]
    const at::Tensor& y(const TilePlan& plan, const Tile& tile) { return axis(tileBlendY(plan, tile)); }

private:
    const at::Tensor& axis(const AxisBlend& blend);

    BlendRamp m_ramp;
    c10::Device m_device;
    std::map<AxisBlend, at::Tensor> m_weights;
};

} // namespace tessera

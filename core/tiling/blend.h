#pragma once
/// Blend ramps and per-tile blend weights. Pure C++ (no LibTorch), so the GUI
/// can draw the same weights the engine uses.
///
/// Across the band where two neighbouring tiles overlap, a ramp M rises from 0
/// to 1 and the result is T1 * (1 - M) + T2 * M. Weights are separable: a tile's
/// weight at (x, y) is wx(x) * wy(y), and along each axis the weights of all
/// tiles sum to 1, so in 2D they sum to 1 as well (corners where four tiles
/// meet included). The runner still accumulates a weight buffer and divides by
/// it, which keeps float rounding from showing.

#include "tiling/tile_plan.h"

#include <string>
#include <vector>

namespace tessera {

enum class BlendRamp {
    Linear,     ///< M(t) = t
    Smoothstep, ///< M(t) = t^2 (3 - 2t): zero slope at both ends
    Gaussian,   ///< M(t) = normalised Gaussian CDF centred at 1/2, sigma 1/5
};

/// Parses "linear", "smooth" / "smoothstep" or "gaussian"; throws
/// Error(InvalidArgument) otherwise.
BlendRamp parseBlendRamp(const std::string& text);
const char* blendRampName(BlendRamp ramp);

/// M(t) for t in [0, 1]: 0 at t = 0, 1 at t = 1, and M(t) + M(1 - t) = 1.
double rampValue(BlendRamp ramp, double t);

/// The ramp sampled at pixel centres of a band `width` pixels wide:
/// M_j = M((j + 0.5) / width), rising from near 0 to near 1.
std::vector<float> rampWeights(BlendRamp ramp, int width);

/// Weights along one axis of a tile's blend range of `length` pixels: rising
/// over the first `rampStart` pixels (M), 1 in the middle, falling over the
/// last `rampEnd` pixels (1 - M).
std::vector<float> axisWeights(BlendRamp ramp, int length, int rampStart, int rampEnd);

/// A tile's blend range along one axis in output pixels: its length and the
/// widths of its rising and falling ramps (the arguments of axisWeights).
struct AxisBlend {
    int length = 0;
    int rampStart = 0;
    int rampEnd = 0;
    auto operator<=>(const AxisBlend&) const = default;
};

/// The blend ranges of a tile's blend region in output pixels
/// (plan.toOutput(tile.blend)): the ramps are scale x O wide, exact for any
/// ratio since O is a multiple of den.
AxisBlend tileBlendX(const TilePlan& plan, const Tile& tile);
AxisBlend tileBlendY(const TilePlan& plan, const Tile& tile);

/// A tile's horizontal and vertical weights over its blend region in output
/// pixels: axisWeights over tileBlendX / tileBlendY.
std::vector<float> tileWeightsX(const TilePlan& plan, const Tile& tile, BlendRamp ramp);
std::vector<float> tileWeightsY(const TilePlan& plan, const Tile& tile, BlendRamp ramp);

} // namespace tessera

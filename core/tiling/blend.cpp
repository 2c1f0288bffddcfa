#include "tiling/blend.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>

namespace tessera {

BlendRamp parseBlendRamp(const std::string& text)
{
    if (text == "linear")
        return BlendRamp::Linear;
    if (text == "smooth" || text == "smoothstep")
        return BlendRamp::Smoothstep;
    if (text == "gaussian")
        return BlendRamp::Gaussian;
    throw Error(ErrorCode::InvalidArgument,
                "unknown blend ramp '" + text + "' (expected linear, smooth or gaussian)");
}

const char* blendRampName(BlendRamp ramp)
{
    switch (ramp) {
    case BlendRamp::Linear: return "linear";
    case BlendRamp::Smoothstep: return "smooth";
    case BlendRamp::Gaussian: return "gaussian";
    }
    return "?";
}

namespace {

/// Standard normal CDF.
double normalCdf(double z)
{
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

} // namespace

double rampValue(BlendRamp ramp, double t)
{
    t = std::clamp(t, 0.0, 1.0);
    switch (ramp) {
    case BlendRamp::Linear:
        return t;
    case BlendRamp::Smoothstep:
        return t * t * (3.0 - 2.0 * t);
    case BlendRamp::Gaussian: {
        // A Gaussian window's CDF, rescaled so it reaches exactly 0 and 1 at
        // the band's ends: M(t) = (Phi((t - 1/2) / s) - Phi(-1/2s)) / (Phi(1/2s) - Phi(-1/2s)).
        constexpr double kSigma = 0.2;
        const double lo = normalCdf(-0.5 / kSigma);
        const double hi = normalCdf(0.5 / kSigma);
        return (normalCdf((t - 0.5) / kSigma) - lo) / (hi - lo);
    }
    }
    return t;
}

std::vector<float> rampWeights(BlendRamp ramp, int width)
{
    std::vector<float> weights(size_t(std::max(width, 0)));
    for (int j = 0; j < width; ++j)
        weights[size_t(j)] = float(rampValue(ramp, (j + 0.5) / width));
    return weights;
}

std::vector<float> axisWeights(BlendRamp ramp, int length, int rampStart, int rampEnd)
{
    if (length < 0 || rampStart < 0 || rampEnd < 0 || rampStart + rampEnd > length)
        throw Error(ErrorCode::Internal, "blend ramps longer than the tile");
    std::vector<float> weights(size_t(length), 1.0f);
    const std::vector<float> rise = rampWeights(ramp, rampStart);
    for (int j = 0; j < rampStart; ++j)
        weights[size_t(j)] = rise[size_t(j)];
    // The falling side is the complement of the neighbour's rising ramp over
    // the same band, so the two sum to 1: T1 * (1 - M) + T2 * M.
    const std::vector<float> fall = rampWeights(ramp, rampEnd);
    for (int j = 0; j < rampEnd; ++j)
        weights[size_t(length - rampEnd + j)] = 1.0f - fall[size_t(j)];
    return weights;
}

AxisBlend tileBlendX(const TilePlan& plan, const Tile& tile)
{
    // Blend widths are multiples of den (tile_plan.h), so their output sizes are exact.
    const ScaleRatio s = plan.settings().scale;
    return {s.toOutput(tile.blend.width), s.toOutput(tile.rampLeft), s.toOutput(tile.rampRight)};
}

AxisBlend tileBlendY(const TilePlan& plan, const Tile& tile)
{
    const ScaleRatio s = plan.settings().scale;
    return {s.toOutput(tile.blend.height), s.toOutput(tile.rampTop), s.toOutput(tile.rampBottom)};
}

std::vector<float> tileWeightsX(const TilePlan& plan, const Tile& tile, BlendRamp ramp)
{
    const AxisBlend b = tileBlendX(plan, tile);
    return axisWeights(ramp, b.length, b.rampStart, b.rampEnd);
}

std::vector<float> tileWeightsY(const TilePlan& plan, const Tile& tile, BlendRamp ramp)
{
    const AxisBlend b = tileBlendY(plan, tile);
    return axisWeights(ramp, b.length, b.rampStart, b.rampEnd);
}

} // namespace tessera

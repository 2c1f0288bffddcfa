#pragma once
/// Small integer helpers shared by the tile geometry and the runner. Plain C++
/// (no LibTorch), usable from the GUI's overlay code as well.

#include <numeric>

namespace tessera {

/// The smallest multiple of `multiple` that is >= `value`, for value >= 0 and
/// multiple >= 1: roundUpToMultiple(65, 8) == 72, roundUpToMultiple(64, 8) == 64.
constexpr int roundUpToMultiple(int value, int multiple)
{
    return (value + multiple - 1) / multiple * multiple;
}

/// The largest multiple of `multiple` that is <= `value`, for value >= 0 and
/// multiple >= 1: roundDownToMultiple(71, 8) == 64.
constexpr int roundDownToMultiple(int value, int multiple)
{
    return value / multiple * multiple;
}

/// Least common multiple of two positive values.
constexpr int leastCommonMultiple(int a, int b)
{
    return std::lcm(a, b);
}

} // namespace tessera

#pragma once
/// Input samples that are not finite numbers (NaN, +Inf, -Inf: EXR and float
/// TIFF files can hold them) would spread through a network and come out as
/// black. The tiled runner replaces them before the model by one rule
/// (TiledOptions::replaceNonFinite):
///
///     NaN -> 0,   +Inf -> 1,   -Inf -> 0
///
/// (the ends of the [0, 1] range a model expects; a NaN has no value, so it
/// becomes black) and counts the pixels that had one (TiledReport).

#include <ATen/ATen.h>

#include <cstddef>
#include <cstdint>

namespace tessera {

/// Applies the rule to `count` floats in place; returns how many it replaced.
int64_t replaceNonFinite(float* values, size_t count);

/// The rule over `pixelCount` pixels of `channels` samples on the host.
/// Files almost never hold a non-finite sample (8- and 16-bit ones cannot):
/// blocks of pixels are checked at memory speed on every core, and only a
/// block with one is scanned pixel by pixel. Returns the pixels (not
/// samples) that had a non-finite sample.
int64_t replaceNonFinitePixels(float* pixels, size_t pixelCount, int channels);

/// The rule over rows on a device, in place, without waiting for it (a few
/// kernels, no pass over the rows on the host).
/// rows: [R, W, C] float32 -> the pixels that had a non-finite sample, an
/// int64 scalar on the rows' device
at::Tensor replaceNonFinitePixels(at::Tensor& rows);

} // namespace tessera

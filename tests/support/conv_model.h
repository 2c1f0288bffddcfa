#pragma once
// The random-weight convolution model shared by the tiling tests and the
// benchmark harness (no Qt): a stack of 3x3 convolutions of known receptive
// radius. Tests compare tiled against whole-image runs of the same model, so
// the exact weights do not matter; the seed keeps them reproducible.

#include "common/device.h"
#include "tiling/tile_model.h"

#include <cstdint>

namespace tessera::test {

/// `layers` 3x3 convolutions `width` features wide with zero padding
/// (receptive radius = layers) and ReLU between them, the last one making
/// channels * scale^2 maps for a pixel shuffle. The weights are drawn on the
/// CPU from `seed` and then moved to `device` at `precision`, so the same
/// seed gives the same model on every device. bytesPerPixel is set to an
/// estimate of its peak memory, so the auto tile size can plan with it.
/// forward: x [N, channels, H, W] -> [N, channels, H * scale, W * scale]
TileModel makeConvModel(int channels, int scale, int layers, int width, uint64_t seed,
                        const DeviceSpec& device = {}, Precision precision = Precision::Fp32);

} // namespace tessera::test

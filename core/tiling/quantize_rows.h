#pragma once
/// Output rows rounded to 8 bits where they are made, so that a quarter of
/// float32's bytes travel to the host for an 8-bit file. TileAccumulator's
/// takeRows(Bytes) uses it on the CPU; on CUDA its kernel (tiling/cuda/)
/// applies the same rule in the same float32 operations.

#include <ATen/ATen.h>

namespace tessera {

/// float32 -> uint8 of the same shape by OpenImageIO's rule, which our PNG
/// encoder follows too: s = v * 255, s += 0.5, clamped to [0, 255] and
/// truncated; NaN gives 0. The same two float32 operations, so that the bytes
/// equal what a sink converting the float rows itself would store.
at::Tensor quantizeTo8Bits(const at::Tensor& rows);

} // namespace tessera

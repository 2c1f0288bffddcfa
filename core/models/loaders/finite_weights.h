#pragma once
/// Non-finite weights are refused where they are loaded (internal to
/// core/models): one NaN or Inf weight turns every output pixel it reaches
/// into NaN, which image files store as black, without a word.

#include <ATen/ATen.h>

#include <string>

namespace tessera {

/// Throws Error(InvalidModel) "<context>: model weights contain NaN: layer
/// <name>" (or Inf) unless every value of `weights` is finite. Integer
/// tensors pass. One pass over the values (common/finite_values.h).
void requireFiniteWeights(const at::Tensor& weights, const std::string& context, const std::string& name);

} // namespace tessera

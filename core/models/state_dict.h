#pragma once
/// Weights held in memory: tensor name -> tensor. Tests build them, the
/// safetensors writer takes them and StateDictStore serves them; weight
/// files are read through a WeightStore (loaders/weight_store.h) instead.

#include <ATen/ATen.h>

#include <map>
#include <string>

namespace tessera {

/// Checkpoint key ("body.0.weight") -> tensor. Sorted, so iteration is stable.
using StateDict = std::map<std::string, at::Tensor>;

} // namespace tessera

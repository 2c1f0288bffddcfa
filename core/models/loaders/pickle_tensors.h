#pragma once
/// Finds the weight tensors in an unpickled checkpoint (internal to the .pth
/// loaders): unwraps the usual training wrappers and checks that tensors
/// sharing a storage agree on it.

#include "models/loaders/restricted_unpickler.h"

#include <string>
#include <utility>
#include <vector>

namespace tessera {

/// Unwraps params_ema / params / state_dict / model / net / generator dicts
/// and returns the string-keyed tensors, in the pickle's order. Throws
/// Error(InvalidModel) naming `context` when the root is not a dict, when no
/// tensor is found, or when two tensors name one storage with different
/// dtypes or the later one claims more elements than the first.
std::vector<std::pair<std::string, pickle::TensorRef>> weightTensors(const pickle::Value& root,
                                                                     const std::string& context);

} // namespace tessera

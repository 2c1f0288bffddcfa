#pragma once
/// Turns an unpickled checkpoint into a StateDict: finds the weights under the
/// usual training wrappers and materialises TensorRefs from storage bytes.
/// Internal to the .pth loaders.

#include "models/loaders/restricted_unpickler.h"
#include "models/state_dict.h"

#include <functional>
#include <string>

namespace tessera {

/// Returns the 1-D storage tensor (dtype and numel of `ref`) for a storage key.
using StorageProvider = std::function<at::Tensor(const pickle::StorageRef& ref)>;

/// Unwraps params_ema / params / state_dict / model / net / generator dicts,
/// keeps string-keyed tensors, builds each as an as_strided view of its
/// storage converted to contiguous float32, and strips "module." prefixes.
StateDict stateDictFromPickle(const pickle::Value& root, const StorageProvider& storages,
                              const std::string& context);

} // namespace tessera

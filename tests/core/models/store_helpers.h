#pragma once
// Test helpers over weight stores.

#include "models/loaders/weight_store.h"
#include "models/state_dict.h"

namespace tessera::test {

/// Every tensor of `store` in its stored dtype: tests compare whole files.
inline StateDict readAllTensors(const WeightStore& store)
{
    StateDict tensors;
    for (const std::string& key : store.keys())
        tensors[key] = store.read(key);
    return tensors;
}

} // namespace tessera::test

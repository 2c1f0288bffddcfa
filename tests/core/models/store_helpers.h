#pragma once
// Test helpers over weight stores.

#include "models/arch/arch.h"
#include "models/detect.h"
#include "models/load_weights.h"
#include "models/loaders/weight_store.h"
#include "models/state_dict.h"

#include <memory>

namespace tessera::test {

/// Every tensor of `store` in its stored dtype: tests compare whole files.
inline StateDict readAllTensors(const WeightStore& store)
{
    StateDict tensors;
    for (const std::string& key : store.keys())
        tensors[key] = store.read(key);
    return tensors;
}

/// The network `weights` are detected as, built, loaded and in eval mode;
/// `info` gets what detection found.
inline std::shared_ptr<ArchNetwork> buildDetectedNetwork(const WeightStore& weights, ModelInfo& info)
{
    const ArchDescriptor& arch = detectArchitecture(weights, info);
    std::shared_ptr<ArchNetwork> net = arch.build(weights);
    loadWeights(*net, weights);
    net->eval();
    return net;
}

} // namespace tessera::test

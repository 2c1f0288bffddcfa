#pragma once
/// Architecture detection: which network a checkpoint belongs to, with its
/// scale and hyper-parameters, learned from key names and tensor shapes alone
/// (the store's index; no tensor data is read).

#include "models/loaders/weight_store.h"
#include "models/model_info.h"

namespace tessera {

struct ArchDescriptor;

/// Describes the model whose weights are in `weights`: architecture, scale,
/// channels, feature channels, hyper-parameters text, parameter count, input
/// multiple, receptive radius and fp16/bf16 safety (name is left empty).
/// Throws Error(UnsupportedModel) naming the closest known architecture with
/// a few of its missing keys and of the unexpected ones when no architecture
/// matches.
ModelInfo detectArchitecture(const WeightStore& weights);

/// As detectArchitecture(), also returning the descriptor that builds the network.
const ArchDescriptor& detectArchitecture(const WeightStore& weights, ModelInfo& info);

} // namespace tessera

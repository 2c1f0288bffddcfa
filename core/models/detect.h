#pragma once
/// Architecture detection: which network a state dict belongs to, with its
/// scale and hyper-parameters, learned from key names and tensor shapes alone.

#include "models/state_dict.h"
#include "models/upscale_model.h"

namespace tessera {

struct ArchDescriptor;

/// Describes the model whose weights are `stateDict`: architecture, scale,
/// channels, hyper-parameters text, parameter count, input multiple, receptive
/// radius and fp16/bf16 safety (name is left empty). Throws
/// Error(UnsupportedModel) naming the closest known architecture with a few of
/// its missing keys and of the unexpected ones when no architecture matches.
ModelInfo detectArchitecture(const StateDict& stateDict);

/// As detectArchitecture(), also returning the descriptor that builds the network.
const ArchDescriptor& detectArchitecture(const StateDict& stateDict, ModelInfo& info);

} // namespace tessera

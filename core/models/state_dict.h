#pragma once
/// A model's weights as read from a file: tensor name -> float32 CPU tensor.
/// Every loader (.pth zip, legacy .pth, .safetensors) produces one of these.

#include <ATen/ATen.h>

#include <cstdint>
#include <map>
#include <string>

namespace tessera {

/// Checkpoint key ("body.0.weight") -> tensor. Sorted, so iteration is stable.
using StateDict = std::map<std::string, at::Tensor>;

/// Reads the weights of a .pth/.pt/.ckpt (zip or legacy pickle) or
/// .safetensors file, chosen by the file's magic bytes, then unwraps
/// training wrappers (params_ema, params, state_dict, model, net) and strips
/// "module." prefixes. Tensors come back as contiguous float32 on the CPU.
/// Throws Error(Io) when the file cannot be read and Error(InvalidModel) when it
/// is corrupt, truncated or refused as unsafe.
StateDict loadStateDict(const std::string& path);

/// Removes a leading "module." (from DataParallel) from every key that has it.
void stripModulePrefix(StateDict& stateDict);

/// Sum of the element counts of all tensors.
int64_t parameterCount(const StateDict& stateDict);

} // namespace tessera

#pragma once
// The load mode's pieces: a safetensors file of big fp16 Linear layers,
// written one layer at a time, and the module those weights fit.

#include "models/loaders/weight_store.h"

#include <torch/nn/module.h>

#include <cstdint>
#include <string>

namespace tessera::bench {

/// Linear layers "layers.<i>" shaped after the "layers.<i>.weight" tensors of
/// `layout` (no forward: the load mode only fills it). Its parameters take
/// the default dtype, so a DefaultDtypeGuard builds it directly in fp16.
class LinearStack : public torch::nn::Module {
public:
    explicit LinearStack(const WeightStore& layout);
};

/// Writes `path`: fp16 Linear layers [4096, 4096] with bias and random
/// values, about `bytes` in all, generating one layer at a time so that
/// writing never holds the file in memory. Throws Error(Io).
void writeLinearStackFile(const std::string& path, int64_t bytes);

} // namespace tessera::bench

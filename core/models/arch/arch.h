#pragma once
/// Shared pieces of the architecture files (internal to core/models): the
/// network base class, the per-architecture descriptor that detection walks,
/// and helpers that register torch submodules under checkpoint key names.

#include "models/loaders/weight_store.h"
#include "models/module_tree.h"
#include "models/upscale_model.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>

#include <memory>
#include <string>
#include <vector>

namespace tessera {

/// A network of one architecture. Its named_parameters() are exactly the
/// checkpoint's keys, so loading weights is a lookup.
class ArchNetwork : public torch::nn::Module {
public:
    /// x: [N, inChannels, H, W] -> [N, outChannels, H * scale, W * scale]
    virtual at::Tensor forward(const at::Tensor& x) = 0;
};

/// One architecture as detection sees it.
struct ArchDescriptor {
    const char* name;
    /// Keys whose presence identifies the layout; used to name the closest
    /// architecture (and its missing keys) when nothing matches.
    std::vector<std::string> signatureKeys;
    /// Returns true and fills `info` (not the name/path fields) when the
    /// weights have this layout, judged from keys and shapes only (no tensor
    /// is read). Throws Error(UnsupportedModel) when the layout is recognised
    /// but its hyper-parameters are inconsistent.
    bool (*detect)(const WeightStore& weights, ModelInfo& info);
    /// Builds the network (fp32, on the CPU) for weights that detect() accepted.
    std::shared_ptr<ArchNetwork> (*build)(const WeightStore& weights);
};

const ArchDescriptor& esrganArchitecture();
const ArchDescriptor& srvggArchitecture();
const ArchDescriptor& omnisrArchitecture();
const ArchDescriptor& spanArchitecture();
const ArchDescriptor& realcuganArchitecture();

/// A 2-D convolution with "same" padding for odd kernels.
torch::nn::Conv2d makeConv(int64_t in, int64_t out, int64_t kernel, bool bias = true, int64_t groups = 1,
                           int64_t stride = 1, int64_t padding = -1);

/// Helpers for detect(): presence, shape and counting of indexed keys.
bool hasKey(const WeightStore& weights, const std::string& key);
/// The dtype and shape at `key`; throws Error(UnsupportedModel) naming the key
/// when it is absent or has not `dims` dimensions (dims < 0: any).
const TensorInfo& tensorAt(const WeightStore& weights, const std::string& key, int dims = -1);
/// Number of consecutive i = 0, 1, ... with prefix + i + suffix present.
int countIndexed(const WeightStore& weights, const std::string& prefix, const std::string& suffix);

} // namespace tessera

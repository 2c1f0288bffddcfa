#pragma once
/// Filling a torch module from a weight store, one tensor at a time.
///
/// Parameters and buffers are named as checkpoint keys (DESIGN: modules are
/// registered under the checkpoint's names), so loading is a lookup: the
/// module's "conv.weight" under prefix "first_stage_model." takes the key
/// "first_stage_model.conv.weight". Each tensor is read at the parameter's
/// own dtype and device, straight from the store into the parameter, so a
/// module built in fp16 (DefaultDtypeGuard) or already on a GPU never sees an
/// fp32 copy of an fp16 checkpoint.

#include "models/loaders/weight_store.h"

#include <torch/nn/module.h>

#include <c10/core/ScalarType.h>
#include <c10/util/typeid.h>

#include <string>
#include <vector>

namespace tessera {

/// How loadWeights() treats keys and parameters that do not pair up.
enum class LoadMode {
    Strict, ///< every key under the prefix is used and every parameter found, or Error(UnsupportedModel)
    Report, ///< load what fits and return the rest in the report (one checkpoint, several modules)
    ShapesOnly, ///< read nothing: pair names and compare shapes only (layout checks on shape-only stores and meta modules)
};

/// What did not pair up, by full key name (prefix included).
struct WeightReport {
    std::vector<std::string> missing;    ///< module tensors without a key
    std::vector<std::string> unused;     ///< keys under the prefix that no module tensor took
    std::vector<std::string> mismatched; ///< "key [stored shape] (expected [module shape])"; left unloaded

    bool ok() const { return missing.empty() && unused.empty() && mismatched.empty(); }
    /// "missing a, b; unused c, ... (12 in all); wrong shape d [2] (expected [3])"; empty when ok().
    std::string message() const;
};

/// Copies every parameter and buffer of `module` from the key `prefix` + its
/// name in `store`. Keys outside the prefix are not looked at. Strict mode
/// throws Error(UnsupportedModel) "<store>: weights do not fit <what>: <report>"
/// unless the report is ok(); Report mode returns it. Errors of the store
/// (Io, InvalidModel) pass through.
WeightReport loadWeights(torch::nn::Module& module, const WeightStore& store, const std::string& prefix = "",
                         LoadMode mode = LoadMode::Strict, const std::string& what = "the network");

/// While alive, torch modules constructed on any thread (and every factory
/// call without an explicit dtype) allocate floating-point tensors as
/// `dtype`, so a module can be built directly in fp16 / bf16 without an fp32
/// copy. Restores the previous default on destruction.
/// NOT thread-safe: c10's default dtype is one process-wide value. Hold it
/// only around module construction while no other thread creates tensors
/// (tessera-bench's load mode; the diffusion loaders building their
/// UNet/VAE/text encoders before upload).
class DefaultDtypeGuard {
public:
    explicit DefaultDtypeGuard(at::ScalarType dtype);
    ~DefaultDtypeGuard();
    DefaultDtypeGuard(const DefaultDtypeGuard&) = delete;
    DefaultDtypeGuard& operator=(const DefaultDtypeGuard&) = delete;

private:
    caffe2::TypeMeta m_previous;
};

} // namespace tessera

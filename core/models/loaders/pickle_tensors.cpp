#include "models/loaders/pickle_tensors.h"

#include "common/error.h"

#include <map>

namespace tessera {
namespace {

bool holdsTensors(const pickle::Value& dict)
{
    for (const auto& [key, value] : dict.entries)
        if (value->kind == pickle::Kind::Tensor)
            return true;
    return false;
}

} // namespace

std::vector<std::pair<std::string, pickle::TensorRef>> weightTensors(const pickle::Value& root,
                                                                     const std::string& context)
{
    if (root.kind != pickle::Kind::Dict)
        throw Error(ErrorCode::InvalidModel, context + ": the checkpoint is not a dict of weights");
    // Training frameworks wrap the weights: BasicSR {params_ema, params},
    // Lightning {state_dict}, others {model} or {net}. EMA weights come first
    // because they are the ones meant for inference.
    static const char* const kWrappers[] = {"params_ema", "params", "state_dict", "model", "net", "generator"};
    const pickle::Value* dict = &root;
    for (int level = 0; level < 4 && !holdsTensors(*dict); ++level) {
        const pickle::Value* inner = nullptr;
        for (const char* wrapper : kWrappers) {
            pickle::ValuePtr candidate = pickle::dictGet(*dict, wrapper);
            if (candidate && candidate->kind == pickle::Kind::Dict) {
                inner = candidate.get();
                break;
            }
        }
        if (!inner)
            break;
        dict = inner;
    }

    std::vector<std::pair<std::string, pickle::TensorRef>> tensors;
    std::map<std::string, const pickle::StorageRef*> storages;
    for (const auto& [key, value] : dict->entries) {
        if (key->kind != pickle::Kind::String || value->kind != pickle::Kind::Tensor)
            continue;
        const pickle::TensorRef& ref = value->tensor;
        // The unpickler checked that each view lies inside its own StorageRef;
        // a second tensor on the same storage must agree on what the storage is.
        const auto [it, inserted] = storages.emplace(ref.storage.key, &ref.storage);
        if (!inserted && (it->second->dtype != ref.storage.dtype || it->second->numel < ref.storage.numel))
            throw Error(ErrorCode::InvalidModel, context + ": tensor '" + key->text
                                                     + "' disagrees with its storage's type or size");
        tensors.emplace_back(key->text, ref);
    }
    if (tensors.empty())
        throw Error(ErrorCode::InvalidModel, context + ": the checkpoint holds no weight tensors");
    return tensors;
}

} // namespace tessera

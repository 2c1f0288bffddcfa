#include "models/loaders/pickle_state_dict.h"

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

StateDict stateDictFromPickle(const pickle::Value& root, const StorageProvider& storages,
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

    StateDict result;
    std::map<std::string, at::Tensor> storageCache;
    for (const auto& [key, value] : dict->entries) {
        if (key->kind != pickle::Kind::String || value->kind != pickle::Kind::Tensor)
            continue;
        const pickle::TensorRef& ref = value->tensor;
        auto cached = storageCache.find(ref.storage.key);
        if (cached == storageCache.end())
            cached = storageCache.emplace(ref.storage.key, storages(ref.storage)).first;
        const at::Tensor& storage = cached->second;
        if (storage.scalar_type() != ref.storage.dtype || storage.numel() < ref.storage.numel)
            throw Error(ErrorCode::InvalidModel, context + ": tensor '" + key->text
                                                     + "' disagrees with its storage's type or size");
        // The unpickler checked that the view lies inside ref.storage.numel elements.
        at::Tensor view = storage.as_strided(ref.sizes, ref.strides, ref.offset + ref.storage.viewOffset);
        result[key->text] = view.to(at::kFloat).contiguous().clone();
    }
    if (result.empty())
        throw Error(ErrorCode::InvalidModel, context + ": the checkpoint holds no weight tensors");
    stripModulePrefix(result);
    return result;
}

} // namespace tessera

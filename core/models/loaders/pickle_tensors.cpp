#include "models/loaders/pickle_tensors.h"

#include "common/error.h"

#include <algorithm>
#include <map>

namespace tessera {
namespace {

std::string sizesText(const std::vector<int64_t>& sizes)
{
    std::string text = "[";
    for (size_t i = 0; i < sizes.size(); ++i)
        text += (i ? ", " : "") + std::to_string(sizes[i]);
    return text + "]";
}

// A tensor's element count (the product of its sizes) must fit its storage:
// stride 0 could otherwise declare 2^62 elements over one stored value, which
// later overflows the element count or the allocation of the tensor.
void requireElementsFit(const std::string& key, const pickle::TensorRef& ref, const std::string& context)
{
    if (std::find(ref.sizes.begin(), ref.sizes.end(), 0) != ref.sizes.end())
        return; // empty, whatever the other sizes say
    const int64_t stored = ref.storage.numel - ref.storage.viewOffset;
    // Sizes are non-negative (the unpickler checked); the product stops at the
    // first factor that takes it past `stored`, so it stays within 2^111.
    __int128 elements = 1;
    for (int64_t size : ref.sizes)
        if ((elements *= size) > stored)
            throw Error(ErrorCode::InvalidModel, context + ": tensor '" + key + "' has sizes " + sizesText(ref.sizes)
                                                     + ", more elements than its storage's " + std::to_string(stored));
}

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
        requireElementsFit(key->text, ref, context);
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

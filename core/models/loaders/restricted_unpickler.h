#pragma once
/// A pickle reader that accepts only what torch.save writes for tensors and
/// plain containers. It never imports or calls anything: globals are checked
/// against a short allow-list and turned into inert values; tensors become
/// TensorRef descriptions that the .pth loaders materialise from storage bytes.
/// Any other global is refused by name. Sizes, nesting and memo growth are
/// bounded by the input, so hostile files cannot exhaust memory.

#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tessera::pickle {

struct Value;
using ValuePtr = std::shared_ptr<Value>;

enum class Kind { None, Bool, Int, BigInt, Float, String, Bytes, Tuple, List, Dict, Global, Storage, Tensor };

/// A storage named by a persistent id ('storage', torch.XStorage, key, location, numel).
struct StorageRef {
    std::string key;             ///< zip: data/<key>; legacy: position in the key list
    at::ScalarType dtype = at::kFloat;
    int64_t numel = 0;           ///< elements of the (root) storage
    int64_t viewOffset = 0;      ///< legacy storage views: element offset into the root
};

/// torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...).
struct TensorRef {
    StorageRef storage;
    int64_t offset = 0;
    std::vector<int64_t> sizes;
    std::vector<int64_t> strides;
};

struct Value {
    Kind kind = Kind::None;
    bool boolean = false;
    int64_t integer = 0;
    double real = 0.0;
    std::string text;                                  ///< String, Bytes, BigInt (LE bytes), Global "module.name"
    std::vector<ValuePtr> items;                       ///< Tuple, List
    std::vector<std::pair<ValuePtr, ValuePtr>> entries; ///< Dict, in insertion order
    StorageRef storage;                                ///< Storage
    TensorRef tensor;                                  ///< Tensor
    int depth = 1;          ///< nesting depth of containers below and including this one
    bool embedded = false;  ///< already placed inside another container (then immutable)
};

/// Result of reading one pickle from a byte range.
struct Unpickled {
    ValuePtr value;
    size_t consumed = 0; ///< bytes up to and including STOP
    std::vector<StorageRef> storages; ///< every storage named by a persistent id
};

/// Reads one pickle starting at data[0]. `context` (the file name) prefixes
/// error messages. Throws Error(InvalidModel) for malformed or refused input.
Unpickled unpickle(const uint8_t* data, size_t size, const std::string& context);

/// Looks up a string key in a Dict value; nullptr when absent or not a Dict.
ValuePtr dictGet(const Value& dict, const std::string& key);

} // namespace tessera::pickle

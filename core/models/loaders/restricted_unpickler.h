#pragma once
/// A pickle reader that accepts only what torch.save writes for tensors and
/// plain containers. It never imports or calls anything: globals are checked
/// against a short allow-list and turned into inert values; tensors become
/// TensorRef descriptions that the .pth loaders materialise from storage bytes.
/// Any other global is refused by name. Every object it creates (values,
/// their strings and items, stack and memo entries) is charged against a
/// memory budget that grows with the file's size, so a hostile file of
/// one-byte pushes cannot make the process grow much past its own size.

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

/// The memory the pickles of one file may build: 64 MiB plus twice the file's
/// size, at most 1 GiB. A real checkpoint's pickle builds a few KiB per tensor,
/// and its tensors' bytes make the file far larger than that.
class MemoryBudget {
public:
    explicit MemoryBudget(uint64_t fileSize);
    /// Takes `bytes` from what is left; false (and nothing taken) when they do not fit.
    bool take(uint64_t bytes);
    uint64_t total() const { return m_total; }

private:
    uint64_t m_total;
    uint64_t m_left;
};

/// Reads one pickle starting at data[0], charging what it builds to `budget`
/// (shared by the pickles of one file). `context` (the file name) prefixes
/// error messages. Throws Error(InvalidModel) for malformed or refused input,
/// and "<context>: the pickle builds more objects than a file of its size can
/// describe" when the budget runs out.
Unpickled unpickle(const uint8_t* data, size_t size, const std::string& context, MemoryBudget& budget);

/// Looks up a string key in a Dict value; nullptr when absent or not a Dict.
ValuePtr dictGet(const Value& dict, const std::string& key);

} // namespace tessera::pickle

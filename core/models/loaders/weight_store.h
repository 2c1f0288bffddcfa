#pragma once
/// Weight stores: a model file's tensors as an index of names, dtypes and
/// shapes, read from its header (safetensors) or pickle (.pth/.ckpt) alone,
/// with each tensor's data read only when asked for, one at a time, in the
/// stored dtype or converted straight to the dtype and device it is wanted
/// at. Nothing holds the whole file in host memory: file-backed stores read
/// from a memory map and give each tensor's pages back after reading it.
///
/// Keys are the checkpoint's names with training wrappers (params_ema,
/// params, state_dict, model, net, generator) unwrapped and a leading
/// "module." (DataParallel) removed. All reads are const and may run on any
/// thread; a store outlives the tensors it returns (they never alias it).

#include "models/state_dict.h"

#include <ATen/ATen.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tessera {

/// A tensor as the index describes it: what detection needs, no data.
struct TensorInfo {
    at::ScalarType dtype = at::kFloat;
    std::vector<int64_t> shape;

    int64_t dim() const { return int64_t(shape.size()); }
    /// Extent of dimension `d`; negative `d` counts from the end (-1: last).
    /// Throws Error(Internal) when `d` is out of range.
    int64_t size(int64_t d) const;
    int64_t numel() const;
};

class WeightStore {
public:
    virtual ~WeightStore() = default;
    WeightStore(const WeightStore&) = delete;
    WeightStore& operator=(const WeightStore&) = delete;

    /// Every key, sorted.
    std::vector<std::string> keys() const;
    bool contains(const std::string& key) const;
    size_t size() const { return m_index.size(); }
    /// The stored dtype and shape; throws Error(InvalidArgument) naming the key when absent.
    const TensorInfo& info(const std::string& key) const;
    /// Sum of the element counts of all tensors.
    int64_t parameterCount() const;

    /// The tensor in its stored dtype, contiguous on the CPU.
    at::Tensor read(const std::string& key) const;
    /// The tensor converted straight to `dtype` on `device`: the result is the
    /// only tensor-sized allocation, apart from one buffer for unaligned data
    /// or a conversion on a GPU (there the stored dtype is uploaded first).
    at::Tensor read(const std::string& key, at::ScalarType dtype, c10::Device device) const;
    /// Copies the tensor into `destination` (same shape, any dtype and device)
    /// without an intermediate copy where the data allows. Throws
    /// Error(InvalidArgument) naming the key when the shapes differ.
    void readInto(const std::string& key, at::Tensor& destination) const;

    /// The file the store reads; empty for stores built in memory.
    const std::string& path() const { return m_path; }
    /// What error messages name: the path, or a description of an in-memory store.
    const std::string& context() const { return m_context; }
    /// safetensors "__metadata__" (string values); empty for other formats.
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }

protected:
    WeightStore(std::string path, std::string context);
    /// Indexes `key` ("module." removed) with the subclass's `slot` for its data.
    /// Throws Error(InvalidModel) when the key is already there.
    void addTensor(const std::string& key, TensorInfo info, size_t slot);
    /// Copies the data of `slot` into `destination`, whose shape matches.
    virtual void copyTensor(size_t slot, at::Tensor& destination) const = 0;

    std::map<std::string, std::string> m_metadata;

private:
    struct Entry {
        TensorInfo info;
        size_t slot = 0;
    };
    const Entry& entry(const std::string& key) const;

    std::string m_path;
    std::string m_context;
    std::map<std::string, Entry> m_index;
};

/// Opens a .pth/.pt/.ckpt (zip or legacy pickle, read by the restricted
/// unpickler) or .safetensors file, chosen by its first bytes, and indexes it
/// from its header or pickle alone. Throws Error(Io) when the file cannot be
/// read or is not a regular file (FIFO, device, folder), Error(InvalidModel)
/// when it is corrupt, truncated, unknown or refused as unsafe.
std::unique_ptr<WeightStore> openWeightStore(const std::string& path);

/// A store over tensors in memory (tests, converted ncnn weights). Keys keep
/// "module." prefixes removed as for files; tensors are read as they are.
class StateDictStore final : public WeightStore {
public:
    explicit StateDictStore(StateDict tensors, std::string context = "in-memory weights");

private:
    void copyTensor(size_t slot, at::Tensor& destination) const override;
    std::vector<at::Tensor> m_tensors;
};

/// One entry of a ShapeOnlyStore.
struct TensorDecl {
    std::string key;
    at::ScalarType dtype = at::kFloat;
    std::vector<int64_t> shape;
};

/// An index without data: checks a checkpoint layout (detection, module
/// shapes) without its weights. Every read throws Error(InvalidArgument).
class ShapeOnlyStore final : public WeightStore {
public:
    explicit ShapeOnlyStore(const std::vector<TensorDecl>& tensors, std::string context = "shape-only weights");

private:
    void copyTensor(size_t slot, at::Tensor& destination) const override;
    std::vector<std::string> m_keys;
};

} // namespace tessera

#pragma once
/// A weight file mapped read-only into memory (internal to core/models).
///
/// Mapping costs address space only: a page counts in the resident set from
/// the first read of it until release() gives it back to the page cache. The
/// loaders touch the header bytes while indexing, then one tensor's bytes at
/// a time, releasing each range after use, so the resident set never holds
/// more than one tensor of the file.

#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

class MappedFile {
public:
    /// Maps `path`. Throws Error(Io) naming the file when it cannot be opened
    /// or mapped, or is not a regular file (FIFO, device, folder): those are
    /// refused before anything reads from them.
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::string& path() const { return m_path; }
    const uint8_t* data() const { return m_data; }
    uint64_t size() const { return m_size; }

    /// Drops the pages of [offset, offset + length) from this process's
    /// resident set (the bytes stay readable; a later read faults them in again).
    void release(uint64_t offset, uint64_t length) const;

private:
    std::string m_path;
    const uint8_t* m_data = nullptr;
    uint64_t m_size = 0;
};

/// Where a tensor's elements lie in a mapped file: the byte offset of element
/// [0, ..., 0] and element strides, as a strided view of a storage.
struct MappedTensor {
    uint64_t byteOffset = 0;
    at::ScalarType dtype = at::kFloat;
    std::vector<int64_t> sizes;
    std::vector<int64_t> strides;
    std::string name; ///< the key, for error messages
};

/// Copies `tensor` from `file` into `destination` (same shape; any dtype and
/// device), converting on the way, then releases the bytes it read. Aligned
/// data is read in place; unaligned data (legacy .pth storages) goes through
/// one aligned buffer of the stored size first. A conversion for a GPU
/// destination happens on the GPU, after uploading the stored dtype.
/// The caller has checked that the view lies inside the file. Throws
/// Error(InvalidModel) naming the file and the tensor when a stored value is
/// NaN or Inf (checked as stored, before any conversion).
void copyMappedTensor(const MappedFile& file, const MappedTensor& tensor, at::Tensor& destination);

} // namespace tessera

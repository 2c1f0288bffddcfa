#include "models/loaders/mapped_file.h"

#include "common/error.h"
#include "common/regular_file.h"
#include "models/loaders/finite_weights.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <sys/mman.h>
#include <unistd.h>

namespace tessera {
namespace {

uint64_t pageSize()
{
    static const uint64_t size = uint64_t(::sysconf(_SC_PAGESIZE));
    return size;
}

} // namespace

MappedFile::MappedFile(const std::string& path) : m_path(path)
{
    const RegularFile file(path);
    m_size = file.size();
    if (m_size == 0)
        return;
    void* mapping = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, file.descriptor(), 0);
    if (mapping == MAP_FAILED)
        throw Error(ErrorCode::Io, path + ": cannot map the file (" + std::strerror(errno) + ")");
    m_data = static_cast<const uint8_t*>(mapping);
}

MappedFile::~MappedFile()
{
    if (m_data)
        ::munmap(const_cast<uint8_t*>(m_data), m_size);
}

void MappedFile::release(uint64_t offset, uint64_t length) const
{
    if (!m_data || offset >= m_size || length == 0)
        return;
    // Whole pages around the range: the neighbours' bytes are re-read from the
    // page cache if they are needed again, so rounding outwards is harmless.
    const uint64_t page = pageSize();
    const uint64_t begin = offset / page * page;
    const uint64_t end = std::min(m_size, offset + std::min(length, m_size - offset));
    ::madvise(const_cast<uint8_t*>(m_data) + begin, end - begin, MADV_DONTNEED);
}

void copyMappedTensor(const MappedFile& file, const MappedTensor& tensor, at::Tensor& destination)
{
    const int64_t element = int64_t(c10::elementSize(tensor.dtype));
    // Elements from [0, ..., 0] to the last one of the view.
    int64_t span = 1;
    for (size_t i = 0; i < tensor.sizes.size(); ++i) {
        if (tensor.sizes[i] == 0)
            return; // nothing to copy: destination has no elements either
        span += (tensor.sizes[i] - 1) * tensor.strides[i];
    }
    const uint64_t bytes = uint64_t(span) * uint64_t(element);
    const uint8_t* source = file.data() + tensor.byteOffset;
    const at::TensorOptions stored = at::TensorOptions().dtype(tensor.dtype);
    at::Tensor aligned;
    if (reinterpret_cast<uintptr_t>(source) % uint64_t(element) != 0) {
        // Typed kernels may assume element alignment: copy the bytes to an aligned buffer [span].
        aligned = at::empty({span}, stored);
        std::memcpy(aligned.data_ptr(), source, bytes);
        file.release(tensor.byteOffset, bytes);
        source = static_cast<const uint8_t*>(aligned.data_ptr());
    }
    // A view of the mapping (or of the buffer): nothing is copied until copy_.
    const at::Tensor view = at::from_blob(const_cast<uint8_t*>(source), tensor.sizes, tensor.strides, stored);
    requireFiniteWeights(view, file.path(), tensor.name);
    if (destination.is_cpu() || destination.scalar_type() == tensor.dtype)
        destination.copy_(view);
    else
        destination.copy_(view.to(destination.device())); // upload as stored, convert on the device
    file.release(tensor.byteOffset, bytes);
}

} // namespace tessera

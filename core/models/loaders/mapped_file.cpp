#include "models/loaders/mapped_file.h"

#include "common/error.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tessera {
namespace {

const char* fileKind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "not a regular file";
}

[[noreturn]] void failIo(const std::string& path, const std::string& what)
{
    throw Error(ErrorCode::Io, path + ": " + what);
}

uint64_t pageSize()
{
    static const uint64_t size = uint64_t(::sysconf(_SC_PAGESIZE));
    return size;
}

} // namespace

MappedFile::MappedFile(const std::string& path) : m_path(path)
{
    // Check the kind before opening: opening a FIFO for reading blocks until a writer appears.
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        failIo(path, std::string("cannot open the file (") + std::strerror(errno) + ")");
    if (!S_ISREG(info.st_mode))
        failIo(path, std::string("refused: ") + fileKind(info.st_mode) + ", not a regular file");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        failIo(path, std::string("cannot open the file (") + std::strerror(errno) + ")");
    // Again on the open descriptor: the path may have been replaced in between.
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        failIo(path, "refused: not a regular file");
    }
    m_size = uint64_t(info.st_size);
    if (m_size > 0) {
        void* mapping = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd, 0);
        const int error = errno;
        ::close(fd);
        if (mapping == MAP_FAILED)
            failIo(path, std::string("cannot map the file (") + std::strerror(error) + ")");
        m_data = static_cast<const uint8_t*>(mapping);
    } else {
        ::close(fd);
    }
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
    if (destination.is_cpu() || destination.scalar_type() == tensor.dtype)
        destination.copy_(view);
    else
        destination.copy_(view.to(destination.device())); // upload as stored, convert on the device
    file.release(tensor.byteOffset, bytes);
}

} // namespace tessera

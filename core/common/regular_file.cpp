#include "common/regular_file.h"

#include "common/error.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tessera {
namespace {

[[noreturn]] void failIo(const std::string& path, const std::string& what)
{
    throw Error(ErrorCode::Io, path + ": " + what);
}

[[noreturn]] void failOpen(const std::string& path, int error)
{
    failIo(path, std::string("cannot open the file (") + std::strerror(error) + ")");
}

const char* kindOf(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    return "an unknown kind of file";
}

void requireRegular(const std::string& path, const struct stat& info)
{
    if (!S_ISREG(info.st_mode))
        failIo(path, std::string("not a regular file (") + kindOf(info.st_mode) + ")");
}

std::string byteCount(uint64_t bytes)
{
    if (bytes >= (uint64_t(1) << 20))
        return std::to_string(bytes >> 20) + " MiB";
    return std::to_string(bytes) + " bytes";
}

} // namespace

uint64_t requireRegularFile(const std::string& path)
{
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        failOpen(path, errno);
    requireRegular(path, info);
    return uint64_t(info.st_size);
}

RegularFile::RegularFile(const std::string& path)
{
    // Before opening: opening a FIFO for reading blocks until a writer appears.
    requireRegularFile(path);
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (m_fd < 0)
        failOpen(path, errno);
    struct stat info {};
    if (::fstat(m_fd, &info) != 0) {
        const int error = errno;
        ::close(m_fd);
        failOpen(path, error);
    }
    if (!S_ISREG(info.st_mode)) {
        ::close(m_fd);
        requireRegular(path, info);
    }
    m_size = uint64_t(info.st_size);
}

RegularFile::~RegularFile()
{
    ::close(m_fd);
}

std::string readRegularFile(const std::string& path, uint64_t maxBytes)
{
    const RegularFile file(path);
    if (file.size() > maxBytes)
        failIo(path, "the file is " + byteCount(file.size()) + ", larger than the " + byteCount(maxBytes)
                         + " such a file can be");
    std::string text(size_t(file.size()), '\0');
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t got = ::read(file.descriptor(), text.data() + done, text.size() - done);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            failIo(path, std::string("read failed (") + std::strerror(errno) + ")");
        if (got == 0)
            break; // the file shrank while we read it: keep what is there
        done += size_t(got);
    }
    text.resize(done);
    return text;
}

} // namespace tessera

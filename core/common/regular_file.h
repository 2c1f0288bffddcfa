#pragma once
/// Opening files that come from anywhere (images, models): only regular files
/// are read. A FIFO or a character device (/dev/zero, /dev/urandom) would
/// block or never end, and a folder cannot be read as a file, so they are
/// refused by kind before anything reads from them. Every opener of an
/// untrusted input goes through these.

#include <cstdint>
#include <string>

namespace tessera {

/// Throws Error(Io) "<path>: not a regular file (a FIFO)" (a folder, a device,
/// a socket) or "<path>: cannot open the file (<reason>)"; returns the size in bytes.
/// The check looks at the path only: it never opens it, so a FIFO cannot block it.
uint64_t requireRegularFile(const std::string& path);

/// A read-only descriptor on a regular file. Closes it on destruction.
class RegularFile {
public:
    /// Checks the kind first, then opens without blocking and checks the open
    /// descriptor again (the path may have been replaced in between).
    /// Throws Error(Io) as requireRegularFile does.
    explicit RegularFile(const std::string& path);
    ~RegularFile();
    RegularFile(const RegularFile&) = delete;
    RegularFile& operator=(const RegularFile&) = delete;

    int descriptor() const { return m_fd; }
    uint64_t size() const { return m_size; }

private:
    int m_fd = -1;
    uint64_t m_size = 0;
};

/// The whole content of a regular file of at most `maxBytes` bytes (text
/// formats: ncnn .param, shard indexes). Throws Error(Io) naming the file when
/// it is not a regular file, cannot be read, or is larger than `maxBytes`
/// (checked from its size before reading).
std::string readRegularFile(const std::string& path, uint64_t maxBytes);

} // namespace tessera

#pragma once
/// Whole-file reads for the model loaders (internal to core/models).

#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

/// The file's bytes; throws Error(Io) naming the file when it cannot be read.
std::vector<uint8_t> readFileBytes(const std::string& path);

/// Little-endian integer at `p` (the loaders only accept little-endian files).
inline uint64_t readLe(const uint8_t* p, int bytes)
{
    uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; --i)
        value = (value << 8) | p[i];
    return value;
}

} // namespace tessera

#pragma once
/// Little-endian integers for the model loaders (internal to core/models).

#include <cstdint>

namespace tessera {

/// Little-endian integer of `bytes` bytes at `p` (the loaders only accept little-endian files).
inline uint64_t readLe(const uint8_t* p, int bytes)
{
    uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; --i)
        value = (value << 8) | p[i];
    return value;
}

} // namespace tessera

#pragma once
// What every fuzz target shares: our Error is the expected way to refuse an
// input; anything else escaping (std::out_of_range, bad_alloc, a c10 error)
// is a bug and ends the run as a crash, as do the sanitizers' findings.

#include "common/error.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include <unistd.h>

namespace tessera::fuzz {

template <typename Work>
int refusalsAreErrors(Work&& work)
{
    try {
        work();
    } catch (const Error&) {
        // a refusal with a message: what the loaders promise
    }
    return 0;
}

inline std::string text(const uint8_t* data, size_t size)
{
    return std::string(reinterpret_cast<const char*>(data), size);
}

/// The loaders map files: the input written to a file of this process's own
/// (<stem>-<pid>.<extension> in /tmp, rewritten for every input). Empty when
/// it cannot be written.
inline std::string inputFile(const uint8_t* data, size_t size, const std::string& stem, const std::string& extension)
{
    const std::string path = "/tmp/" + stem + "-" + std::to_string(getpid()) + "." + extension;
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file)
        return {};
    const bool written = std::fwrite(data, 1, size, file) == size;
    return std::fclose(file) == 0 && written ? path : std::string();
}

} // namespace tessera::fuzz

#pragma once
// What every fuzz target shares: our Error is the expected way to refuse an
// input; anything else escaping (std::out_of_range, bad_alloc, a c10 error)
// is a bug and ends the run as a crash, as do the sanitizers' findings.

#include "common/error.h"

#include <cstddef>
#include <cstdint>
#include <string>

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

} // namespace tessera::fuzz

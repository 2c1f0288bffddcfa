#pragma once
// Small model files for the tests that scan, list and load them.

#include "models/loaders/safetensors.h"
#include "models/state_dict.h"

#include <ATen/ATen.h>

#include <string>

namespace tessera::test {

/// A small SRVGGNetCompact x2 (num_conv 2, 8 features, zero weights) saved as safetensors at `path`.
inline void writeCompactUpscaler(const std::string& path)
{
    StateDict sd;
    for (int i = 0; i < 4; ++i) {
        const std::string name = "body." + std::to_string(2 * i);
        sd[name + ".weight"] = at::zeros({i == 3 ? 12 : 8, i == 0 ? 3 : 8, 3, 3});
        sd[name + ".bias"] = at::zeros({i == 3 ? 12 : 8});
        if (i < 3)
            sd["body." + std::to_string(2 * i + 1) + ".weight"] = at::zeros({8});
    }
    saveSafetensors(path, sd);
}

} // namespace tessera::test

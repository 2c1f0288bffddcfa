#pragma once
// Small model files for the tests that scan, list and load them.

#include "models/loaders/safetensors.h"
#include "models/state_dict.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

namespace tessera::test {

/// A small SRVGGNetCompact x2 (num_conv 2, 8 features, convolution weights
/// all `weight`, zero biases) saved as safetensors at `path`. With zero
/// weights it upscales by nearest neighbour (the network adds its residual to
/// that); 3e38 overflows to infinity on any bright pixel.
inline void writeCompactUpscaler(const std::string& path, float weight = 0.0f)
{
    StateDict sd;
    for (int i = 0; i < 4; ++i) {
        const std::string name = "body." + std::to_string(2 * i);
        sd[name + ".weight"] = at::full({i == 3 ? 12 : 8, i == 0 ? 3 : 8, 3, 3}, weight);
        sd[name + ".bias"] = at::zeros({i == 3 ? 12 : 8});
        if (i < 3)
            sd["body." + std::to_string(2 * i + 1) + ".weight"] = at::zeros({8});
    }
    saveSafetensors(path, sd);
}

/// An ncnn upscaler of `scale` (a 3x3 convolution 3 -> 3 scale^2 channels with
/// weights all `weight` and zero biases, then PixelShuffle) as `paramPath` and
/// the .bin beside it. The scale is the graph's, whatever the file is named.
inline void writeNcnnUpscaler(const std::string& paramPath, int scale, float weight = 0.0f)
{
    const int channels = 3 * scale * scale;
    const int weights = channels * 3 * 3 * 3;
    std::ofstream(paramPath) << "7767517\n3 3\nInput in 0 1 data\n"
                             << "Convolution conv 1 1 data c 0=" << channels << " 1=3 4=1 5=1 6=" << weights << "\n"
                             << "PixelShuffle shuffle 1 1 c out 0=" << scale << "\n";
    // tag 0 (raw fp32), the weights, the bias (zeros)
    std::vector<float> bin(size_t(1 + weights + channels), 0.0f);
    std::fill(bin.begin() + 1, bin.begin() + 1 + weights, weight);
    const std::string binPath = paramPath.substr(0, paramPath.size() - 6) + ".bin";
    std::ofstream(binPath, std::ios::binary)
        .write(reinterpret_cast<const char*>(bin.data()), std::streamsize(sizeof(float) * bin.size()));
}

} // namespace tessera::test

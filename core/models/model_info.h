#pragma once
/// What detection learns about an upscale model from its weights' names and
/// shapes alone. Plain values (no LibTorch), so the UI can show and plan with it.

#include <cstdint>
#include <string>

namespace tessera {

/// What detection learned about a model: enough to plan tiles and to describe
/// the model to a person.
struct ModelInfo {
    std::string name;          ///< file name without folder
    std::string architecture;  ///< "ESRGAN", "SRVGGNetCompact", "OmniSR", "ncnn", ...
    int scale = 1;             ///< output size / input size
    int inChannels = 3;
    int outChannels = 3;
    int64_t parameterCount = 0;
    int inputMultiple = 1;     ///< input width and height must be multiples of this
    int receptiveRadius = -1;  ///< pixels of context that influence an output pixel; -1 unknown
    bool fp16Safe = true;      ///< fp16 gives finite, close outputs
    bool bf16Safe = true;
    int featureChannels = 0;   ///< widest feature map (channels); 0 unknown (memory estimates)
    std::string details;       ///< hyper-parameters as text ("nf=64 nb=23")
};

} // namespace tessera

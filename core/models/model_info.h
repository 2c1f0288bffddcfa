#pragma once
/// What detection learns about an upscale model, without torch: the UI and
/// the registry include this.

#include <cstdint>
#include <string>

namespace tessera {

/// Enough to plan tiles, estimate memory and describe the model to a person.
struct ModelInfo {
    std::string name;          ///< file name without folder
    std::string architecture;  ///< "ESRGAN", "SRVGGNetCompact", "OmniSR", "ncnn", ...
    int scale = 1;             ///< output size / input size
    int inChannels = 3;
    int outChannels = 3;
    int64_t parameterCount = 0;
    int inputMultiple = 1;     ///< input width and height must be multiples of this
    int receptiveRadius = -1;  ///< pixels of context that influence an output pixel; -1 unknown
    /// Channels of the widest feature map the network keeps alive (nf=64 for
    /// SRVGG/ESRGAN; transient concatenations and attention scores not
    /// counted; for ncnn the largest Convolution num_output); 0 unknown. The
    /// job layer estimates memory per pixel from it.
    int featureChannels = 0;
    bool fp16Safe = true;      ///< fp16 gives finite, close outputs
    bool bf16Safe = true;
    std::string details;       ///< hyper-parameters as text ("nf=64 nb=23")
};

} // namespace tessera

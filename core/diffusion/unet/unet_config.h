#pragma once
/// The hyper-parameters of an SD 1.x / SDXL UNet (CompVis ldm and Stability
/// sgm UNetModel), all read from the tensor shapes of a checkpoint.

#include "models/loaders/weight_store.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::sd {

struct UNetConfig {
    int64_t inChannels = 4;
    int64_t outChannels = 4;
    int64_t modelChannels = 320;
    std::vector<int64_t> channelMult{1, 2, 4, 4};
    int64_t numResBlocks = 2;
    /// Transformer blocks per spatial transformer at each level; 0: no attention there.
    std::vector<int64_t> transformerDepth{1, 1, 1, 0};
    int64_t middleTransformerDepth = 1;
    /// Attention heads: a fixed count (SD 1.x: 8) when headChannels <= 0,
    /// else channels / headChannels (SD 2.x, SDXL: 64).
    int64_t numHeads = 8;
    int64_t headChannels = -1;
    int64_t contextDim = 768;
    /// Input width of label_emb, the SDXL "ADM" vector (2816 base, 2560 refiner); 0: none.
    int64_t admInChannels = 0;
    /// proj_in / proj_out of the spatial transformers are Linear (SDXL) rather than 1x1 convs (SD 1.x).
    bool linearProjection = false;

    int64_t headsFor(int64_t channels) const { return headChannels > 0 ? channels / headChannels : numHeads; }
};

/// Reads the config of the UNet whose keys start with `prefix`
/// ("model.diffusion_model."). Heads follow the rule of the original
/// configs: 1x1-conv projections (SD 1.x) use 8 heads, Linear projections
/// (SD 2.x, SDXL) heads of 64 channels. Throws Error(UnsupportedModel)
/// naming the key when the layout is incomplete or inconsistent.
UNetConfig inferUNetConfig(const WeightStore& store, const std::string& prefix);

} // namespace tessera::sd

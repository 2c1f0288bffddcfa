#pragma once
/// The hyper-parameters of the KL autoencoder (CompVis ldm Encoder/Decoder),
/// read from the tensor shapes of a checkpoint.

#include "models/loaders/weight_store.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::sd {

struct VaeConfig {
    int64_t imageChannels = 3;
    int64_t baseChannels = 128;
    std::vector<int64_t> channelMult{1, 2, 4, 4};
    int64_t numResBlocks = 2;
    int64_t latentChannels = 4;
    /// Pixels per latent pixel along each side: 2^(levels - 1).
    int64_t downscale() const { return int64_t(1) << (channelMult.size() - 1); }
};

/// Reads the config of the VAE whose keys start with `prefix`
/// ("first_stage_model." or "" for a standalone file). Throws
/// Error(UnsupportedModel) naming the key when the layout is incomplete.
VaeConfig inferVaeConfig(const WeightStore& store, const std::string& prefix);

} // namespace tessera::sd

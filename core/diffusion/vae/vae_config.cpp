#include "diffusion/vae/vae_config.h"

#include "diffusion/layout_reader.h"

namespace tessera::sd {

VaeConfig inferVaeConfig(const WeightStore& store, const std::string& prefix)
{
    const LayoutReader layout(store, prefix, "a KL autoencoder (VAE)");
    VaeConfig config;
    // encoder.conv_in: [ch, image channels, 3, 3]
    config.baseChannels = layout.size("encoder.conv_in.weight", 4, 0);
    config.imageChannels = layout.size("encoder.conv_in.weight", 4, 1);

    const int64_t levels = layout.count("encoder.down.", ".block.0.conv1.weight");
    if (levels == 0)
        layout.fail("encoder.down.0.block.0.conv1.weight", "is missing");
    config.channelMult.clear();
    for (int64_t level = 0; level < levels; ++level) {
        const std::string key = "encoder.down." + std::to_string(level) + ".block.0.conv1.weight";
        const int64_t channels = layout.size(key, 4, 0);
        if (channels % config.baseChannels != 0)
            layout.fail(key, "has " + std::to_string(channels) + " output channels, not a multiple of the "
                                 + std::to_string(config.baseChannels) + " of encoder.conv_in");
        // Normalize() is GroupNorm(32, ...) on every width.
        if (channels % 32 != 0)
            layout.fail(key, "has " + std::to_string(channels) + " channels, not a multiple of 32 GroupNorm groups");
        config.channelMult.push_back(channels / config.baseChannels);
    }
    config.numResBlocks = layout.count("encoder.down.0.block.", ".conv1.weight");

    // encoder.conv_out: [2 z, ch * mult[-1], 3, 3] (double_z: mean and log-variance)
    const int64_t deepest = config.baseChannels * config.channelMult.back();
    const int64_t moments = layout.size("encoder.conv_out.weight", 4, 0);
    if (moments % 2 != 0)
        layout.fail("encoder.conv_out.weight", "has an odd channel count " + std::to_string(moments)
                                                   + " (expected mean and log-variance, double_z)");
    config.latentChannels = moments / 2;
    layout.expectShape("encoder.conv_out.weight", {moments, deepest, 3, 3});
    layout.expectShape("quant_conv.weight", {moments, moments, 1, 1});
    layout.expectShape("post_quant_conv.weight", {config.latentChannels, config.latentChannels, 1, 1});
    layout.expectShape("decoder.conv_in.weight", {deepest, config.latentChannels, 3, 3});
    layout.expectShape("decoder.conv_out.weight", {config.imageChannels, config.baseChannels, 3, 3});

    // The decoder mirrors the encoder: as many up levels, num_res_blocks + 1 blocks each.
    if (layout.count("decoder.up.", ".block.0.conv1.weight") != levels)
        layout.fail("decoder.up." + std::to_string(levels - 1) + ".block.0.conv1.weight",
                    "does not match the " + std::to_string(levels) + " encoder levels");
    for (int64_t level = 0; level < levels; ++level) {
        const std::string stem = "decoder.up." + std::to_string(level) + ".block.";
        if (layout.count(stem, ".conv1.weight") != config.numResBlocks + 1)
            layout.fail(stem + std::to_string(config.numResBlocks) + ".conv1.weight",
                        "does not give num_res_blocks + 1 = " + std::to_string(config.numResBlocks + 1)
                            + " decoder blocks");
        if (layout.count("encoder.down." + std::to_string(level) + ".block.", ".conv1.weight")
            != config.numResBlocks)
            layout.fail("encoder.down." + std::to_string(level) + ".block.0.conv1.weight",
                        "level has a different block count than level 0");
    }

    // SD's VAEs have attention only in the mid blocks (attn_resolutions = []).
    for (const std::string& key : store.keys()) {
        if (key.compare(0, prefix.size(), prefix) != 0)
            continue;
        const std::string name = key.substr(prefix.size());
        const bool inLevels = name.rfind("encoder.down.", 0) == 0 || name.rfind("decoder.up.", 0) == 0;
        if (inLevels && name.find(".attn.") != std::string::npos)
            layout.fail(name, "is attention inside a resolution level, which SD's VAEs do not have");
    }
    return config;
}

} // namespace tessera::sd

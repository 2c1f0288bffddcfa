#include "diffusion/unet/unet_config.h"

#include "diffusion/layout_reader.h"

#include <string>

namespace tessera::sd {

namespace {

/// Transformer blocks of the spatial transformer at `path` ("input_blocks.4.1"):
/// transformer_blocks.0, 1, ... while their norm1 exists; 0 when `path` is no transformer.
int64_t transformerDepth(const LayoutReader& layout, const std::string& path)
{
    if (!layout.has(path + ".norm.weight"))
        return 0;
    const int64_t depth = layout.count(path + ".transformer_blocks.", ".norm1.weight");
    if (depth == 0)
        layout.fail(path + ".transformer_blocks.0.norm1.weight", "is missing");
    return depth;
}

std::string inputBlock(int64_t index)
{
    return "input_blocks." + std::to_string(index);
}

std::string outputBlock(int64_t index)
{
    return "output_blocks." + std::to_string(index);
}

} // namespace

UNetConfig inferUNetConfig(const WeightStore& store, const std::string& prefix)
{
    const LayoutReader layout(store, prefix, "an SD 1.x / SDXL UNet");
    UNetConfig config;

    // input_blocks.0.0: the 3x3 conv from the latent to model_channels.
    config.modelChannels = layout.size("input_blocks.0.0.weight", 4, 0);
    config.inChannels = layout.size("input_blocks.0.0.weight", 4, 1);
    config.outChannels = layout.size("out.2.weight", 4, 0);
    if (layout.size("time_embed.0.weight", 2, 1) != config.modelChannels)
        layout.fail("time_embed.0.weight", "does not take model_channels " + std::to_string(config.modelChannels));

    // Walk the input blocks level by level: res blocks (with or without a
    // spatial transformer at .1) until a downsample (.0.op), which ends the
    // level; the last level has none.
    config.channelMult.clear();
    config.transformerDepth.clear();
    config.numResBlocks = -1;
    int64_t block = 1;
    while (layout.has(inputBlock(block) + ".0.in_layers.2.weight")) {
        const int64_t level = int64_t(config.channelMult.size());
        int64_t resBlocks = 0;
        int64_t levelChannels = -1, levelDepth = -1;
        while (layout.has(inputBlock(block) + ".0.in_layers.2.weight")) {
            const std::string res = inputBlock(block) + ".0.in_layers.2.weight";
            const int64_t channels = layout.size(res, 4, 0);
            const int64_t depth = transformerDepth(layout, inputBlock(block) + ".1");
            if (levelChannels >= 0 && channels != levelChannels)
                layout.fail(res, "has " + std::to_string(channels) + " output channels, level " +
                                     std::to_string(level) + " has " + std::to_string(levelChannels));
            if (levelDepth >= 0 && depth != levelDepth)
                layout.fail(inputBlock(block) + ".1", "has transformer depth " + std::to_string(depth) + ", level " +
                                                          std::to_string(level) + " has " + std::to_string(levelDepth));
            levelChannels = channels;
            levelDepth = depth;
            ++resBlocks;
            ++block;
        }
        if (levelChannels % config.modelChannels != 0)
            layout.fail(inputBlock(block - 1) + ".0.in_layers.2.weight",
                        "has channels that are no multiple of model_channels " + std::to_string(config.modelChannels));
        if (config.numResBlocks >= 0 && resBlocks != config.numResBlocks)
            layout.fail(inputBlock(block - 1), "ends level " + std::to_string(level) + " after " +
                                                   std::to_string(resBlocks) + " res blocks, earlier levels have " +
                                                   std::to_string(config.numResBlocks));
        config.numResBlocks = resBlocks;
        config.channelMult.push_back(levelChannels / config.modelChannels);
        config.transformerDepth.push_back(levelDepth);
        if (!layout.has(inputBlock(block) + ".0.op.weight"))
            break;
        ++block;
    }
    if (config.channelMult.empty())
        layout.fail("input_blocks.1.0.in_layers.2.weight", "is missing");

    // The output blocks mirror the input: numResBlocks + 1 per level with the
    // same transformer depth, deepest level first.
    const int64_t levels = int64_t(config.channelMult.size());
    for (int64_t level = levels - 1, index = 0; level >= 0; --level) {
        for (int64_t i = 0; i <= config.numResBlocks; ++i, ++index) {
            const std::string res = outputBlock(index) + ".0.in_layers.2.weight";
            if (layout.size(res, 4, 0) != config.channelMult[size_t(level)] * config.modelChannels)
                layout.fail(res, "does not have the channels of level " + std::to_string(level));
            const int64_t depth = transformerDepth(layout, outputBlock(index) + ".1");
            if (depth != config.transformerDepth[size_t(level)])
                layout.fail(outputBlock(index) + ".1", "has transformer depth " + std::to_string(depth) +
                                                           ", the input blocks of level " + std::to_string(level) +
                                                           " have " +
                                                           std::to_string(config.transformerDepth[size_t(level)]));
        }
    }
    // The middle block: res, spatial transformer, res at the deepest level's width.
    const int64_t deepest = config.channelMult.back() * config.modelChannels;
    for (const char* res : {"middle_block.0.in_layers.2.weight", "middle_block.2.in_layers.2.weight"})
        if (layout.size(res, 4, 0) != deepest)
            layout.fail(res, "does not have the deepest level's " + std::to_string(deepest) + " channels");
    config.middleTransformerDepth = transformerDepth(layout, "middle_block.1");

    // Context width and projection kind from the first spatial transformer.
    std::string transformer;
    if (config.middleTransformerDepth > 0)
        transformer = "middle_block.1";
    for (int64_t index = 1; transformer.empty() && index < block; ++index)
        if (transformerDepth(layout, inputBlock(index) + ".1") > 0)
            transformer = inputBlock(index) + ".1";
    if (!transformer.empty()) {
        config.contextDim = layout.size(transformer + ".transformer_blocks.0.attn2.to_k.weight", 2, 1);
        const int64_t projectionRank = layout.info(transformer + ".proj_in.weight").dim();
        if (projectionRank != 2 && projectionRank != 4)
            layout.fail(transformer + ".proj_in.weight", "is neither a Linear nor a 1x1 conv weight");
        config.linearProjection = projectionRank == 2;
    }
    // The original configs: SD 1.x (conv projections) num_heads 8; SD 2.x and
    // SDXL (Linear projections) num_head_channels 64.
    config.numHeads = config.linearProjection ? -1 : 8;
    config.headChannels = config.linearProjection ? 64 : -1;

    config.admInChannels = layout.has("label_emb.0.0.weight") ? layout.size("label_emb.0.0.weight", 2, 1) : 0;
    return config;
}

} // namespace tessera::sd

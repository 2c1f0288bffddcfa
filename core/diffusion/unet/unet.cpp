#include "diffusion/unet/unet.h"

#include "common/error.h"

#include <c10/util/StringUtil.h>

#include <string>

namespace tessera::sd {

namespace {

constexpr int64_t kGroups = 32;
constexpr double kOutNormEps = 1e-5;
// time_embed_dim = model_channels * 4 in both ldm and sgm.
constexpr int64_t kTimeEmbedMult = 4;

[[noreturn]] void invalid(const std::string& message)
{
    throw Error(ErrorCode::InvalidArgument, "UNet: " + message);
}

/// Heads for a transformer of `channels` channels, checked to divide them.
int64_t headsAt(const UNetConfig& config, int64_t channels)
{
    const int64_t heads = config.headsFor(channels);
    if (heads <= 0 || channels % heads != 0)
        invalid(std::to_string(channels) + " channels do not split into attention heads (" + std::to_string(heads) +
                ")");
    return heads;
}

} // namespace

UNetModel::UNetModel(const UNetConfig& config, const at::TensorOptions& options) : m_config(config)
{
    const int64_t levels = int64_t(config.channelMult.size());
    if (levels == 0 || int64_t(config.transformerDepth.size()) != levels || config.numResBlocks < 1)
        invalid("the config needs one channel multiplier and one transformer depth per level and res blocks");
    const int64_t mc = config.modelChannels;
    const int64_t embDim = mc * kTimeEmbedMult;

    m_timeEmbedIn = registerAt(*this, "time_embed.0", std::make_shared<Linear>(mc, embDim, true, options));
    m_timeEmbedOut = registerAt(*this, "time_embed.2", std::make_shared<Linear>(embDim, embDim, true, options));
    if (config.admInChannels > 0) {
        m_labelEmbedIn = registerAt(*this, "label_emb.0.0",
                                    std::make_shared<Linear>(config.admInChannels, embDim, true, options));
        m_labelEmbedOut = registerAt(*this, "label_emb.0.2", std::make_shared<Linear>(embDim, embDim, true, options));
    }
    auto transformerAt = [&](const std::string& path, int64_t channels, int64_t depth, int64_t level) {
        return registerAt(*this, path,
                          std::make_shared<SpatialTransformer>(channels, headsAt(config, channels), depth,
                                                               config.contextDim, config.linearProjection, int(level),
                                                               options));
    };

    // Input blocks: the stem conv, then per level numResBlocks res blocks
    // (each with a spatial transformer where the level has attention) and a
    // downsample except after the last level. The channels of every entry
    // are kept for the skip connections of the output blocks.
    Stage stem;
    stem.conv = registerAt(*this, "input_blocks.0.0", std::make_shared<Conv2d>(config.inChannels, mc, 3, options));
    m_inputStages.push_back(stem);
    std::vector<int64_t> skipChannels{mc};
    int64_t channels = mc;
    for (int64_t level = 0; level < levels; ++level) {
        const int64_t levelChannels = config.channelMult[size_t(level)] * mc;
        const int64_t depth = config.transformerDepth[size_t(level)];
        for (int64_t i = 0; i < config.numResBlocks; ++i) {
            const std::string path = "input_blocks." + std::to_string(m_inputStages.size());
            Stage stage;
            stage.res = registerAt(*this, path + ".0",
                                   std::make_shared<UNetResBlock>(channels, levelChannels, embDim, options));
            channels = levelChannels;
            if (depth > 0)
                stage.transformer = transformerAt(path + ".1", channels, depth, level);
            m_inputStages.push_back(stage);
            skipChannels.push_back(channels);
        }
        if (level != levels - 1) {
            Stage stage;
            stage.down = registerAt(*this, "input_blocks." + std::to_string(m_inputStages.size()) + ".0",
                                    std::make_shared<UNetDownsample>(channels, options));
            m_inputStages.push_back(stage);
            skipChannels.push_back(channels);
        }
    }

    m_middleStage.res =
        registerAt(*this, "middle_block.0", std::make_shared<UNetResBlock>(channels, channels, embDim, options));
    if (config.middleTransformerDepth > 0)
        m_middleStage.transformer =
            transformerAt("middle_block.1", channels, config.middleTransformerDepth, levels - 1);
    m_middleStage.secondRes =
        registerAt(*this, "middle_block.2", std::make_shared<UNetResBlock>(channels, channels, embDim, options));

    // Output blocks, deepest level first: numResBlocks + 1 res blocks each
    // taking one skip connection, with the level's transformers, and an
    // upsample closing every level but the full-resolution one.
    for (int64_t level = levels - 1; level >= 0; --level) {
        const int64_t levelChannels = config.channelMult[size_t(level)] * mc;
        const int64_t depth = config.transformerDepth[size_t(level)];
        for (int64_t i = 0; i <= config.numResBlocks; ++i) {
            const std::string path = "output_blocks." + std::to_string(m_outputStages.size());
            const int64_t skip = skipChannels.back();
            skipChannels.pop_back();
            Stage stage;
            stage.res = registerAt(*this, path + ".0",
                                   std::make_shared<UNetResBlock>(channels + skip, levelChannels, embDim, options));
            channels = levelChannels;
            int sub = 1;
            if (depth > 0)
                stage.transformer = transformerAt(path + "." + std::to_string(sub++), channels, depth, level);
            if (level > 0 && i == config.numResBlocks)
                stage.up = registerAt(*this, path + "." + std::to_string(sub),
                                      std::make_shared<UNetUpsample>(channels, options));
            m_outputStages.push_back(stage);
        }
    }

    m_outNorm = registerAt(*this, "out.0", std::make_shared<GroupNorm>(kGroups, channels, kOutNormEps, options));
    m_outConv = registerAt(*this, "out.2", std::make_shared<Conv2d>(channels, config.outChannels, 3, options));
}

void UNetModel::setSelfAttentionHooks(SelfAttentionHook before, SelfAttentionHook after)
{
    m_hooks.before = std::move(before);
    m_hooks.after = std::move(after);
}

void UNetModel::checkInputs(const at::Tensor& x, const at::Tensor& timesteps, const at::Tensor& context,
                            const at::Tensor& y) const
{
    if (!x.defined() || x.dim() != 4 || x.size(1) != m_config.inChannels)
        invalid("latents must be [B, " + std::to_string(m_config.inChannels) + ", h, w], got " + c10::str(x.sizes()));
    const int64_t batch = x.size(0);
    if (x.size(2) < 1 || x.size(3) < 1)
        invalid("latents must be at least 1x1, got " + c10::str(x.sizes()));
    if (!timesteps.defined() || timesteps.dim() != 1 || timesteps.size(0) != batch)
        invalid("timesteps must be [" + std::to_string(batch) + "], got " + c10::str(timesteps.sizes()));
    if (!context.defined() || context.dim() != 3 || context.size(0) != batch ||
        context.size(2) != m_config.contextDim)
        invalid("context must be [" + std::to_string(batch) + ", N, " + std::to_string(m_config.contextDim) +
                "], got " + c10::str(context.sizes()));
    if (m_config.admInChannels > 0) {
        if (!y.defined() || y.dim() != 2 || y.size(0) != batch || y.size(1) != m_config.admInChannels)
            invalid("the ADM vector y must be [" + std::to_string(batch) + ", " +
                    std::to_string(m_config.admInChannels) + "], got " + c10::str(y.sizes()));
    } else if (y.defined()) {
        invalid("this UNet takes no ADM vector y");
    }
}

at::Tensor UNetModel::runStage(const Stage& stage, at::Tensor h, const at::Tensor& emb,
                               const at::Tensor& context, std::array<int64_t, 2> upsampleTo) const
{
    if (m_stageCheck)
        m_stageCheck();
    const SelfAttentionHooks* hooks = (m_hooks.before || m_hooks.after) ? &m_hooks : nullptr;
    if (stage.conv)
        h = stage.conv->forward(h);
    if (stage.res)
        h = stage.res->forward(h, emb);
    if (stage.transformer)
        h = stage.transformer->forward(h, context, hooks);
    if (stage.secondRes)
        h = stage.secondRes->forward(h, emb);
    if (stage.down)
        h = stage.down->forward(h);
    if (stage.up)
        h = stage.up->forward(h, upsampleTo[0], upsampleTo[1]);
    return h;
}

void UNetModel::setGraphCapacity(int capacity)
{
    m_graphs = capacity > 0 ? std::make_unique<UNetGraphCache>(capacity) : nullptr;
}

at::Tensor UNetModel::forward(const at::Tensor& x, const at::Tensor& timesteps, const at::Tensor& context,
                              const at::Tensor& y) const
{
    const bool hooked = m_hooks.before || m_hooks.after;
    if (!m_graphs || hooked || !UNetGraphCache::supported(x))
        return forwardEagerly(x, timesteps, context, y);
    checkInputs(x, timesteps, context, y); // before a capture, whose errors would turn graphs off
    if (m_stageCheck)
        m_stageCheck();
    return m_graphs->run([this](const UNetInputs& in) { return forwardEagerly(in[0], in[1], in[2], in[3]); },
                         {x, timesteps, context, y});
}

at::Tensor UNetModel::forwardEagerly(const at::Tensor& x, const at::Tensor& timesteps, const at::Tensor& context,
                                     const at::Tensor& y) const
{
    checkInputs(x, timesteps, context, y);
    const at::TensorOptions options = m_timeEmbedIn->weight.options();

    // The sinusoidal embedding is computed in fp32 as the reference does, then
    // cast to the network's dtype. emb: [B, 4 * model_channels]
    const at::Tensor sinusoid =
        timestepEmbedding(timesteps.to(options.device()), m_config.modelChannels).to(options.dtype());
    at::Tensor emb = m_timeEmbedOut->forward(at::silu(m_timeEmbedIn->forward(sinusoid)));
    if (m_labelEmbedIn)
        emb = emb + m_labelEmbedOut->forward(at::silu(m_labelEmbedIn->forward(y.to(options))));
    const at::Tensor cond = context.to(options); // [B, N, contextDim]

    // h: [B, in, h, w] -> ... -> [B, C_deepest, h / 2^(levels-1), w / 2^(levels-1)]
    at::Tensor h = x.to(options);
    std::vector<at::Tensor> skips;
    for (const Stage& stage : m_inputStages) {
        h = runStage(stage, h, emb, cond);
        skips.push_back(h);
    }
    h = runStage(m_middleStage, h, emb, cond);
    for (const Stage& stage : m_outputStages) {
        h = at::cat({h, skips.back()}, 1); // [B, C + C_skip, ...]
        skips.pop_back();
        // An upsampling stage grows h to the size of the skip it meets next.
        const std::array<int64_t, 2> next = skips.empty() ? std::array<int64_t, 2>{0, 0}
                                                           : std::array<int64_t, 2>{skips.back().size(2), skips.back().size(3)};
        h = runStage(stage, h, emb, cond, next);
    }
    return m_outConv->forward(at::silu(m_outNorm->forward(h))); // [B, out, h, w]
}

} // namespace tessera::sd

#include "diffusion/unet/blocks.h"

#include "diffusion/nn/attention.h"

#include <cmath>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace tessera::sd {

namespace {

// GroupNorm32 of ldm/sgm: 32 groups, torch's default eps.
constexpr int64_t kGroups = 32;
constexpr double kResNormEps = 1e-5;
// The spatial transformer's own GroupNorm (attention.py Normalize).
constexpr double kTransformerNormEps = 1e-6;
// nn.LayerNorm's default, used by norm1..3.
constexpr double kLayerNormEps = 1e-5;
// FeedForward(mult=4).
constexpr int64_t kFeedForwardMult = 4;

} // namespace

namespace {

/// The sinusoid's frequencies [dim / 2] fp32 on `device`, built on the CPU
/// exactly as the reference does (fp32 arange times -ln(10000), divided by
/// half, exp) and moved once per (dim, device): the table never changes, and
/// a copy from host memory could not be captured in a CUDA graph. The map is
/// never destroyed, so no device tensor outlives the CUDA runtime at exit.
at::Tensor frequencyTable(int64_t dim, const c10::Device& device)
{
    static std::mutex mutex;
    static auto* tables = new std::map<std::pair<int64_t, std::string>, at::Tensor>();
    const std::lock_guard<std::mutex> lock(mutex);
    at::Tensor& table = (*tables)[{dim, device.str()}];
    if (!table.defined()) {
        const int64_t half = dim / 2;
        table = (at::arange(0, half, at::TensorOptions().dtype(at::kFloat)) * -std::log(10000.0) / half)
                    .exp()
                    .to(device);
    }
    return table;
}

} // namespace

at::Tensor timestepEmbedding(const at::Tensor& timesteps, int64_t dim)
{
    // timesteps: [N] -> [N, dim]
    const at::Tensor frequencies = frequencyTable(dim, timesteps.device());
    const at::Tensor args = timesteps.reshape({-1, 1}).to(at::kFloat) * frequencies.unsqueeze(0); // [N, half]
    at::Tensor embedding = at::cat({args.cos(), args.sin()}, -1);
    if (dim % 2 != 0)
        embedding = at::cat({embedding, at::zeros_like(embedding.narrow(1, 0, 1))}, -1);
    return embedding;
}

UNetResBlock::UNetResBlock(int64_t inChannels, int64_t outChannels, int64_t embChannels,
                           const at::TensorOptions& options)
{
    m_inNorm = registerAt(*this, "in_layers.0", std::make_shared<GroupNorm>(kGroups, inChannels, kResNormEps, options));
    m_inConv = registerAt(*this, "in_layers.2", std::make_shared<Conv2d>(inChannels, outChannels, 3, options));
    m_embLinear = registerAt(*this, "emb_layers.1", std::make_shared<Linear>(embChannels, outChannels, true, options));
    m_outNorm =
        registerAt(*this, "out_layers.0", std::make_shared<GroupNorm>(kGroups, outChannels, kResNormEps, options));
    m_outConv = registerAt(*this, "out_layers.3", std::make_shared<Conv2d>(outChannels, outChannels, 3, options));
    if (outChannels != inChannels)
        m_skip = registerAt(*this, "skip_connection", std::make_shared<Conv2d>(inChannels, outChannels, 1, options));
}

at::Tensor UNetResBlock::forward(const at::Tensor& x, const at::Tensor& emb) const
{
    // x: [B, in, H, W], emb: [B, E]
    at::Tensor h = m_inConv->forward(at::silu(m_inNorm->forward(x)));          // [B, out, H, W]
    h = h + m_embLinear->forward(at::silu(emb)).unsqueeze(-1).unsqueeze(-1); // + [B, out, 1, 1]
    // out_layers.2 is dropout: the identity at inference.
    h = m_outConv->forward(at::silu(m_outNorm->forward(h)));
    return (m_skip ? m_skip->forward(x) : x) + h; // [B, out, H, W]
}

UNetDownsample::UNetDownsample(int64_t channels, const at::TensorOptions& options)
{
    m_op = registerAt(*this, "op", std::make_shared<Conv2d>(channels, channels, 3, options, /*stride=*/2));
}

at::Tensor UNetDownsample::forward(const at::Tensor& x) const
{
    return m_op->forward(x); // [B, C, H, W] -> [B, C, ceil(H / 2), ceil(W / 2)]
}

UNetUpsample::UNetUpsample(int64_t channels, const at::TensorOptions& options)
{
    m_conv = registerAt(*this, "conv", std::make_shared<Conv2d>(channels, channels, 3, options));
}

at::Tensor UNetUpsample::forward(const at::Tensor& x, int64_t height, int64_t width) const
{
    // x: [B, C, H, W] -> [B, C, height, width]
    return m_conv->forward(at::upsample_nearest2d(x, {height, width}));
}

CrossAttention::CrossAttention(int64_t queryDim, int64_t contextDim, int64_t heads, const at::TensorOptions& options)
    : m_heads(heads)
{
    // inner_dim = heads * dim_head equals queryDim in every SD 1.x / SDXL block.
    m_toQ = registerAt(*this, "to_q", std::make_shared<Linear>(queryDim, queryDim, false, options));
    m_toK = registerAt(*this, "to_k", std::make_shared<Linear>(contextDim, queryDim, false, options));
    m_toV = registerAt(*this, "to_v", std::make_shared<Linear>(contextDim, queryDim, false, options));
    m_toOut = registerAt(*this, "to_out.0", std::make_shared<Linear>(queryDim, queryDim, true, options));
}

at::Tensor CrossAttention::forward(const at::Tensor& x, const at::Tensor& context) const
{
    // x: [B, N, D], context: [B, M, Dc] -> [B, N, D]
    const at::Tensor attended =
        multiHeadAttention(m_toQ->forward(x), m_toK->forward(context), m_toV->forward(context), m_heads);
    return m_toOut->forward(attended); // to_out.1 is dropout
}

TransformerBlock::TransformerBlock(int64_t dim, int64_t heads, int64_t contextDim, const at::TensorOptions& options)
{
    m_norm1 = registerAt(*this, "norm1", std::make_shared<LayerNorm>(dim, kLayerNormEps, options));
    m_attn1 = registerAt(*this, "attn1", std::make_shared<CrossAttention>(dim, dim, heads, options));
    m_norm2 = registerAt(*this, "norm2", std::make_shared<LayerNorm>(dim, kLayerNormEps, options));
    m_attn2 = registerAt(*this, "attn2", std::make_shared<CrossAttention>(dim, contextDim, heads, options));
    m_norm3 = registerAt(*this, "norm3", std::make_shared<LayerNorm>(dim, kLayerNormEps, options));
    const int64_t inner = dim * kFeedForwardMult;
    m_ffIn = registerAt(*this, "ff.net.0.proj", std::make_shared<Linear>(dim, 2 * inner, true, options));
    m_ffOut = registerAt(*this, "ff.net.2", std::make_shared<Linear>(inner, dim, true, options));
}

at::Tensor TransformerBlock::forward(const at::Tensor& x, const at::Tensor& context, const SelfAttentionHooks* hooks,
                                     const SelfAttentionSite& site) const
{
    // x: [B, N, D], context: [B, M, Dc]
    at::Tensor tokens = m_norm1->forward(x);
    if (hooks && hooks->before)
        tokens = hooks->before(tokens, site);
    at::Tensor selfAttended = m_attn1->forward(tokens, tokens);
    if (hooks && hooks->after)
        selfAttended = hooks->after(selfAttended, site);
    at::Tensor h = selfAttended + x;
    h = m_attn2->forward(m_norm2->forward(h), context) + h;
    // GEGLU: the projection's first half gated by gelu (exact, erf) of its second.
    // Computed as two half-width products, not one split in two: contiguous
    // halves let gelu and the product run as vectorised kernels (on the split's
    // strided halves they took 8.5 of a 2048² step's 125 ms).
    const at::Tensor normed = m_norm3->forward(h);
    const int64_t inner = m_ffIn->weight.size(0) / 2;
    auto half = [&](int64_t first) {
        return at::linear(normed, m_ffIn->weight.narrow(0, first, inner), m_ffIn->bias.narrow(0, first, inner));
    };
    at::Tensor value = half(0);
    at::Tensor gate = half(inner);
    value.mul_(at::gelu_(gate)); // [B, N, inner]
    return m_ffOut->forward(value) + h; // [B, N, D]
}

SpatialTransformer::SpatialTransformer(int64_t channels, int64_t heads, int64_t depth, int64_t contextDim,
                                       bool linearProjection, int level, const at::TensorOptions& options)
    : m_level(level)
{
    m_norm = registerAt(*this, "norm", std::make_shared<GroupNorm>(kGroups, channels, kTransformerNormEps, options));
    if (linearProjection) {
        m_projInLinear = registerAt(*this, "proj_in", std::make_shared<Linear>(channels, channels, true, options));
    } else {
        m_projInConv = registerAt(*this, "proj_in", std::make_shared<Conv2d>(channels, channels, 1, options));
    }
    for (int64_t i = 0; i < depth; ++i)
        m_blocks.push_back(registerAt(*this, "transformer_blocks." + std::to_string(i),
                                      std::make_shared<TransformerBlock>(channels, heads, contextDim, options)));
    if (linearProjection) {
        m_projOutLinear = registerAt(*this, "proj_out", std::make_shared<Linear>(channels, channels, true, options));
    } else {
        m_projOutConv = registerAt(*this, "proj_out", std::make_shared<Conv2d>(channels, channels, 1, options));
    }
}

namespace {

// proj_in and proj_out (a 1x1 convolution in SD 1.x, a linear layer in SDXL)
// are the same product over channels, weight [C', C] (a 1x1 kernel viewed so),
// and each is computed as one batched matrix product straight into the
// layout the next step reads, cuBLAS reading the other side transposed.
// Before, the 1x1 convolution of an NCHW map cost cuDNN an NHWC conversion
// each way, and the change between [B, C, H * W] and [B, H * W, C] a copy
// (tests/bench/NOTES.md, session 14).
at::Tensor projectionMatrix(const at::Tensor& weight)
{
    return weight.view({weight.size(0), weight.size(1)}); // [C', C]
}

// x: [B, C, H, W] -> [B, H * W, C'].
at::Tensor projectIntoTokens(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias)
{
    const at::Tensor tokens = x.flatten(2).transpose(1, 2); // [B, HW, C], a view
    const at::Tensor w = projectionMatrix(weight).t().expand({x.size(0), -1, -1}); // [B, C, C']
    return at::baddbmm(bias.view({1, 1, -1}), tokens, w);
}

// tokens: [B, H * W, C] -> [B, C', H, W].
at::Tensor projectIntoMap(const at::Tensor& tokens, const at::Tensor& weight, const at::Tensor& bias,
                          int64_t height, int64_t width)
{
    const at::Tensor w = projectionMatrix(weight).expand({tokens.size(0), -1, -1}); // [B, C', C]
    const at::Tensor map = at::baddbmm(bias.view({1, -1, 1}), w, tokens.transpose(1, 2)); // [B, C', HW]
    return map.view({tokens.size(0), -1, height, width});
}

} // namespace

at::Tensor SpatialTransformer::forward(const at::Tensor& x, const at::Tensor& context,
                                       const SelfAttentionHooks* hooks) const
{
    // x: [B, C, H, W], context: [B, M, Dc]
    const int64_t height = x.size(2), width = x.size(3);
    const at::Tensor normed = m_norm->forward(x);
    at::Tensor h = m_projInConv ? projectIntoTokens(normed, m_projInConv->weight, m_projInConv->bias)
                                : projectIntoTokens(normed, m_projInLinear->weight, m_projInLinear->bias);
    // h: [B, H * W, C]
    const SelfAttentionSite site{m_level, height, width};
    for (const auto& block : m_blocks)
        h = block->forward(h, context, hooks, site);
    h = m_projOutConv ? projectIntoMap(h, m_projOutConv->weight, m_projOutConv->bias, height, width)
                      : projectIntoMap(h, m_projOutLinear->weight, m_projOutLinear->bias, height, width);
    return h + x;
}

} // namespace tessera::sd

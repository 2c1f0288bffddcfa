#pragma once
/// The building blocks of the SD 1.x / SDXL UNet (CompVis ldm and Stability
/// sgm openaimodel.py / attention.py): res blocks conditioned on the timestep
/// embedding, resampling, and spatial transformers with self- and
/// cross-attention. Submodules carry the checkpoint's names (in_layers.0,
/// transformer_blocks.0.attn1.to_q, ...) below each block's own path.
/// The res and resampling blocks are UNet*-prefixed: the VAE has its own
/// blocks of those roles (sd::ResnetBlock, sd::Downsample, sd::Upsample).

#include "diffusion/nn/layers.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace tessera::sd {

/// The sinusoidal embedding of ldm/sgm timestep_embedding (max period
/// 10000): [cos(t f_0..f_{h-1}), sin(t f_0..f_{h-1})] with
/// f_i = exp(-ln(10000) i / h), h = dim / 2, computed in fp32 (a zero column
/// is appended for odd dim). timesteps: [N] (fractional allowed) -> [N, dim] fp32.
/// The UNet's time embedding and SDXL's size / aesthetic conditioning both use it.
at::Tensor timestepEmbedding(const at::Tensor& timesteps, int64_t dim);

/// Where a self-attention (attn1) runs: the UNet level (0 = full latent
/// resolution; the middle block is the deepest level) and the token grid of
/// its spatial transformer, so that tokens = height * width in row-major order.
struct SelfAttentionSite {
    int level = 0;
    int64_t height = 0, width = 0;
};

/// Called on attn1's input (the tokens after norm1, [B, height * width, C]) or
/// its output; returns what attn1 takes / what is added to the residual. A
/// hook may change the batch and token split (HyperTile: [B * tiles, tile
/// tokens, C]) as long as `after` restores [B, height * width, C].
using SelfAttentionHook = std::function<at::Tensor(const at::Tensor& tokens, const SelfAttentionSite& site)>;

struct SelfAttentionHooks {
    SelfAttentionHook before, after;
};

/// The UNet's ResBlock: in_layers (GroupNorm32, SiLU, 3x3 conv), emb_layers (SiLU,
/// Linear) added per channel, out_layers (GroupNorm32, SiLU, dropout, 3x3
/// conv), plus the input, through a 1x1 skip_connection when the channels change.
class UNetResBlock : public torch::nn::Module {
public:
    UNetResBlock(int64_t inChannels, int64_t outChannels, int64_t embChannels, const at::TensorOptions& options);
    /// x: [B, in, H, W], emb: [B, embChannels] -> [B, out, H, W].
    at::Tensor forward(const at::Tensor& x, const at::Tensor& emb) const;

private:
    std::shared_ptr<GroupNorm> m_inNorm, m_outNorm;
    std::shared_ptr<Conv2d> m_inConv, m_outConv, m_skip;
    std::shared_ptr<Linear> m_embLinear;
};

/// The UNet's Downsample: a 3x3 conv of stride 2 named `op`.
class UNetDownsample : public torch::nn::Module {
public:
    UNetDownsample(int64_t channels, const at::TensorOptions& options);
    /// x: [B, C, H, W] -> [B, C, H / 2, W / 2] (H, W even).
    at::Tensor forward(const at::Tensor& x) const;

private:
    std::shared_ptr<Conv2d> m_op;
};

/// The UNet's Upsample: nearest-neighbour x2, then a 3x3 conv named `conv`.
class UNetUpsample : public torch::nn::Module {
public:
    UNetUpsample(int64_t channels, const at::TensorOptions& options);
    /// x: [B, C, H, W] -> [B, C, height, width]: nearest-neighbour to the size
    /// of the skip connection it meets (2H x 2W, or one less where the
    /// downsampling rounded up, as ComfyUI's Upsample with output_shape), then a 3x3 conv.
    at::Tensor forward(const at::Tensor& x, int64_t height, int64_t width) const;

private:
    std::shared_ptr<Conv2d> m_conv;
};

/// CrossAttention: to_q, to_k, to_v (no bias), multi-head attention, to_out.0.
/// Self-attention when the context is the input itself.
class CrossAttention : public torch::nn::Module {
public:
    CrossAttention(int64_t queryDim, int64_t contextDim, int64_t heads, const at::TensorOptions& options);
    /// x: [B, N, queryDim], context: [B, M, contextDim] -> [B, N, queryDim].
    at::Tensor forward(const at::Tensor& x, const at::Tensor& context) const;

private:
    std::shared_ptr<Linear> m_toQ, m_toK, m_toV, m_toOut;
    int64_t m_heads = 1;
};

/// BasicTransformerBlock: x += attn1(norm1(x)); x += attn2(norm2(x), context);
/// x += ff(norm3(x)) with the GEGLU feed-forward ff.net.0.proj (to 2 * 4 dim,
/// a * gelu(gate)) and ff.net.2.
class TransformerBlock : public torch::nn::Module {
public:
    TransformerBlock(int64_t dim, int64_t heads, int64_t contextDim, const at::TensorOptions& options);
    /// x: [B, N, dim], context: [B, M, contextDim] -> [B, N, dim]. `hooks`
    /// (may be null) wrap attn1, told `site`.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& context, const SelfAttentionHooks* hooks,
                       const SelfAttentionSite& site) const;

private:
    std::shared_ptr<LayerNorm> m_norm1, m_norm2, m_norm3;
    std::shared_ptr<CrossAttention> m_attn1, m_attn2;
    std::shared_ptr<Linear> m_ffIn, m_ffOut;
};

/// SpatialTransformer: GroupNorm (eps 1e-6), proj_in (1x1 conv in SD 1.x,
/// Linear in SDXL, applied before / after flattening to tokens), the
/// transformer blocks, proj_out, plus the input.
class SpatialTransformer : public torch::nn::Module {
public:
    SpatialTransformer(int64_t channels, int64_t heads, int64_t depth, int64_t contextDim, bool linearProjection,
                       int level, const at::TensorOptions& options);
    /// x: [B, C, H, W], context: [B, M, contextDim] -> [B, C, H, W].
    at::Tensor forward(const at::Tensor& x, const at::Tensor& context, const SelfAttentionHooks* hooks) const;

private:
    std::shared_ptr<GroupNorm> m_norm;
    std::shared_ptr<Conv2d> m_projInConv, m_projOutConv;
    std::shared_ptr<Linear> m_projInLinear, m_projOutLinear;
    std::vector<std::shared_ptr<TransformerBlock>> m_blocks;
    int m_level = 0;
};

} // namespace tessera::sd

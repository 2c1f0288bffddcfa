#pragma once
/// The blocks of the KL autoencoder (CompVis ldm diffusionmodules/model.py):
/// ResnetBlock, the mid-block AttnBlock, Downsample and Upsample. Members are
/// named as the checkpoint's keys (norm1, conv1, nin_shortcut, q, proj_out ...)
/// and public, because the tiled VAE (tiled_vae.cpp) runs the same layers
/// tile by tile with GroupNorm statistics shared across tiles.

#include "diffusion/nn/layers.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <functional>
#include <memory>

namespace tessera::sd {

/// The VAE's Normalize(): GroupNorm with 32 groups, eps 1e-6, affine.
constexpr int64_t kVaeGroups = 32;
constexpr double kVaeNormEps = 1e-6;

/// x + conv2(silu(norm2(conv1(silu(norm1(x)))))), with a 1x1 nin_shortcut on x
/// when the channel count changes. No timestep embedding (temb_ch = 0).
class ResnetBlock : public torch::nn::Module {
public:
    ResnetBlock(int64_t in, int64_t out, const at::TensorOptions& options);
    /// x: [B, in, H, W] -> [B, out, H, W]
    at::Tensor forward(const at::Tensor& x) const;
    /// The residual path: nin_shortcut(x), or x when in == out. x: [B, in, H, W] -> [B, out, H, W]
    at::Tensor shortcut(const at::Tensor& x) const;

    std::shared_ptr<GroupNorm> norm1, norm2;
    std::shared_ptr<Conv2d> conv1, conv2;
    std::shared_ptr<Conv2d> ninShortcut; ///< null when in == out
};

/// Single-head self-attention over all H * W positions, with 1x1-conv q, k,
/// v and proj_out, added to the input.
class AttnBlock : public torch::nn::Module {
public:
    /// An attention in place of the one over all positions (HyperTile's
    /// windows): q, k, v [B, rows * columns, C] -> [B, rows * columns, C].
    using TokenAttention = std::function<at::Tensor(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                                    int64_t rows, int64_t columns)>;

    AttnBlock(int64_t channels, const at::TensorOptions& options);
    /// x: [B, C, H, W] -> [B, C, H, W]
    at::Tensor forward(const at::Tensor& x) const;
    /// Replaces the attention from the next forward() on; empty restores the full one.
    void setAttention(TokenAttention attention) { m_attention = std::move(attention); }

    std::shared_ptr<GroupNorm> norm;
    std::shared_ptr<Conv2d> q, k, v, projOut;

private:
    TokenAttention m_attention;
};

/// Halves the resolution: zero pad one column right and one row bottom, then
/// a 3x3 convolution with stride 2 and no padding.
class Downsample : public torch::nn::Module {
public:
    Downsample(int64_t channels, const at::TensorOptions& options);
    /// x: [B, C, H, W] (H, W even) -> [B, C, H / 2, W / 2]
    at::Tensor forward(const at::Tensor& x) const;

    std::shared_ptr<Conv2d> conv;
};

/// Doubles the resolution: nearest-neighbour x2, then a 3x3 convolution.
class Upsample : public torch::nn::Module {
public:
    Upsample(int64_t channels, const at::TensorOptions& options);
    /// x: [B, C, H, W] -> [B, C, 2 H, 2 W]
    at::Tensor forward(const at::Tensor& x) const;

    std::shared_ptr<Conv2d> conv;
};

} // namespace tessera::sd

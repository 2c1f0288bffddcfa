#pragma once
/// Multi-head attention over token sequences, shared by CLIP, the UNet's
/// spatial transformers and the VAE's mid block.

#include <ATen/ATen.h>

#include <cstdint>

namespace tessera::sd {

/// q: [B, Nq, heads * D], k and v: [B, Nk, heads * D] -> [B, Nq, heads * D]:
/// per head softmax(q k^T / sqrt(D)) v; with `causal`, query i sees keys
/// 0..i only (CLIP's text mask).
at::Tensor multiHeadAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t heads,
                              bool causal = false);

} // namespace tessera::sd

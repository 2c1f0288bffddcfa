#include "diffusion/nn/attention.h"

#include "common/torch_compat.h"

namespace tessera::sd {

at::Tensor multiHeadAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t heads,
                              bool causal)
{
    const int64_t batch = q.size(0), queries = q.size(1), keys = k.size(1);
    const int64_t headDim = q.size(2) / heads;
    // [B, N, H * D] -> [B, H, N, D]
    auto split = [&](const at::Tensor& t, int64_t n) { return t.reshape({batch, n, heads, headDim}).transpose(1, 2); };
    const at::Tensor out = scaledDotProductAttention(split(q, queries), split(k, keys), split(v, keys), causal);
    return out.transpose(1, 2).reshape({batch, queries, heads * headDim}); // [B, Nq, H * D]
}

} // namespace tessera::sd

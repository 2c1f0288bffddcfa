#include "diffusion/nn/layers.h"

#include "diffusion/nn/group_norm.h"

namespace tessera::sd {

at::Tensor registerEmpty(torch::nn::Module& module, const std::string& name, at::IntArrayRef shape,
                         const at::TensorOptions& options)
{
    // Inference only: no autograd bookkeeping on the parameters.
    return module.register_parameter(name, at::empty(shape, options), /*requires_grad=*/false);
}

Linear::Linear(int64_t in, int64_t out, bool withBias, const at::TensorOptions& options)
{
    weight = registerEmpty(*this, "weight", {out, in}, options);
    if (withBias)
        bias = registerEmpty(*this, "bias", {out}, options);
}

at::Tensor Linear::forward(const at::Tensor& x) const
{
    return at::linear(x, weight, bias);
}

Conv2d::Conv2d(int64_t in, int64_t out, int64_t kernel, const at::TensorOptions& options, int64_t stride_,
               int64_t padding_)
    : stride(stride_), padding(padding_ < 0 ? kernel / 2 : padding_)
{
    weight = registerEmpty(*this, "weight", {out, in, kernel, kernel}, options);
    bias = registerEmpty(*this, "bias", {out}, options);
}

at::Tensor Conv2d::forward(const at::Tensor& x) const
{
    return at::conv2d(x, weight, bias, stride, padding);
}

GroupNorm::GroupNorm(int64_t groups_, int64_t channels, double eps_, const at::TensorOptions& options)
    : groups(groups_), eps(eps_)
{
    weight = registerEmpty(*this, "weight", {channels}, options);
    bias = registerEmpty(*this, "bias", {channels}, options);
}

at::Tensor GroupNorm::forward(const at::Tensor& x) const
{
    if (groupNormRowsAreFewAndLong(x, groups))
        return groupNormByWideReductions(x, groups, weight, bias, eps);
    return at::group_norm(x, groups, weight, bias, eps);
}

LayerNorm::LayerNorm(int64_t channels, double eps_, const at::TensorOptions& options) : eps(eps_)
{
    weight = registerEmpty(*this, "weight", {channels}, options);
    bias = registerEmpty(*this, "bias", {channels}, options);
}

at::Tensor LayerNorm::forward(const at::Tensor& x) const
{
    return at::layer_norm(x, {x.size(-1)}, weight, bias, eps);
}

Embedding::Embedding(int64_t count, int64_t dim, const at::TensorOptions& options)
{
    weight = registerEmpty(*this, "weight", {count, dim}, options);
}

at::Tensor Embedding::forward(const at::Tensor& ids) const
{
    return at::embedding(weight, ids);
}

} // namespace tessera::sd

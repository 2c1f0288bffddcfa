#pragma once
/// The plain layers the diffusion networks are built from (CLIP, UNet, VAE).
///
/// Unlike torch::nn's modules these allocate their parameters uninitialised
/// (at::empty with the given options) because loadWeights() overwrites every
/// one: building SDXL's 2.6 G-parameter UNet with torch's random init costs
/// tens of seconds on a CPU, and on the meta device (options with
/// at::kMeta) a real-size network costs no memory at all, which is how the
/// layout tests check every key and shape of a real checkpoint without its
/// weights. Parameter names are torch's ("weight", "bias"), so module paths
/// plus these names are the checkpoint keys.

#include "models/module_tree.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <cstdint>

namespace tessera::sd {

/// y = x W^T + b. x: [..., in] -> [..., out]; weight [out, in].
class Linear : public torch::nn::Module {
public:
    Linear(int64_t in, int64_t out, bool bias, const at::TensorOptions& options);
    at::Tensor forward(const at::Tensor& x) const;

    at::Tensor weight, bias;
};

/// A square-kernel 2-D convolution. x: [N, in, H, W] -> [N, out, H', W'];
/// weight [out, in, k, k]. padding < 0 means k / 2 ("same" for odd k).
class Conv2d : public torch::nn::Module {
public:
    Conv2d(int64_t in, int64_t out, int64_t kernel, const at::TensorOptions& options, int64_t stride = 1,
           int64_t padding = -1);
    at::Tensor forward(const at::Tensor& x) const;

    at::Tensor weight, bias;
    int64_t stride = 1, padding = 0;
};

/// GroupNorm over [N, C, ...] with per-channel affine weight and bias [C].
class GroupNorm : public torch::nn::Module {
public:
    GroupNorm(int64_t groups, int64_t channels, double eps, const at::TensorOptions& options);
    at::Tensor forward(const at::Tensor& x) const;

    at::Tensor weight, bias;
    int64_t groups = 32;
    double eps = 1e-5;
};

/// LayerNorm over the last dimension [..., C].
class LayerNorm : public torch::nn::Module {
public:
    LayerNorm(int64_t channels, double eps, const at::TensorOptions& options);
    at::Tensor forward(const at::Tensor& x) const;

    at::Tensor weight, bias;
    double eps = 1e-5;
};

/// A lookup table. ids: [...] int64 -> [..., dim]; weight [count, dim].
class Embedding : public torch::nn::Module {
public:
    Embedding(int64_t count, int64_t dim, const at::TensorOptions& options);
    at::Tensor forward(const at::Tensor& ids) const;

    at::Tensor weight;
};

/// A parameter registered as `name` on `module`, allocated uninitialised.
at::Tensor registerEmpty(torch::nn::Module& module, const std::string& name, at::IntArrayRef shape,
                         const at::TensorOptions& options);

} // namespace tessera::sd

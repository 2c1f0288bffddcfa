#include "models/arch/conv_activation.h"

namespace tessera {

namespace {

// The module's padding when it is zero padding given as numbers (what the
// fused paths take), else null: the module's own forward runs.
const torch::ExpandingArray<2>* zeroPadding(const torch::nn::Conv2d& conv)
{
    const auto& options = conv->options;
    // Unqualified get_if: found by argument-dependent lookup in c10 (LibTorch
    // 1.13's c10::variant) or std (2.x's std::variant).
    const auto* padding = get_if<torch::ExpandingArray<2>>(&options.padding());
    return padding && get_if<torch::enumtype::kZeros>(&options.padding_mode()) ? padding : nullptr;
}

} // namespace

at::Tensor convolveWithActivation(const torch::nn::Conv2d& conv, const at::Tensor& x, const Activation& activation)
{
    const auto* padding = zeroPadding(conv);
    if (!padding)
        return applyBiasActivation(conv.ptr()->forward(x), at::Tensor(), activation, /*inPlace=*/true);
    const auto& options = conv->options;
    return convolutionBiasActivation(x, conv->weight, conv->bias, *options.stride(), **padding, *options.dilation(),
                                     options.groups(), activation);
}

void convolveWithActivationInto(const torch::nn::Conv2d& conv, const at::Tensor& x, const Activation& activation,
                                const at::Tensor& out)
{
    const auto* padding = zeroPadding(conv);
    if (!padding) {
        out.copy_(convolveWithActivation(conv, x, activation));
        return;
    }
    const auto& options = conv->options;
    convolutionBiasActivationInto(x, conv->weight, conv->bias, *options.stride(), **padding, *options.dilation(),
                                  options.groups(), activation, out);
}

Activation preluActivation(const at::Tensor& slopes)
{
    Activation activation;
    activation.kind = Activation::Kind::PRelu;
    activation.slopes = slopes;
    return activation;
}

Activation leakyReluActivation(double slope)
{
    Activation activation;
    activation.kind = Activation::Kind::LeakyRelu;
    activation.slope = slope;
    return activation;
}

} // namespace tessera

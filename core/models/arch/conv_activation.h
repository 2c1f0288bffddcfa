#pragma once
/// A torch::nn::Conv2d followed by its activation as one epilogue
/// (models/bias_activation.h): the architectures' conv + PReLU / leaky ReLU
/// pairs without torch's separate bias and activation passes on CUDA.

#include "models/bias_activation.h"

#include <torch/nn/modules/conv.h>

namespace tessera {

/// activation(conv(x)). x: [N, Cin, H, W] -> [N, Cout, H', W']. Zero padding
/// given as numbers takes the fused path; other paddings run the module and
/// then the activation.
at::Tensor convolveWithActivation(const torch::nn::Conv2d& conv, const at::Tensor& x, const Activation& activation);

/// The same into `out`, a channel slice of a larger buffer (a dense block's
/// features): written there directly where cuDNN's graphs run
/// (convolutionBiasActivationInto), else copied in. Zero padding given as
/// numbers only.
void convolveWithActivationInto(const torch::nn::Conv2d& conv, const at::Tensor& x, const Activation& activation,
                                const at::Tensor& out);

/// The PReLU and leaky ReLU epilogues.
Activation preluActivation(const at::Tensor& slopes);
Activation leakyReluActivation(double slope);

} // namespace tessera

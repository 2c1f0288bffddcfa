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

/// The PReLU and leaky ReLU epilogues.
Activation preluActivation(const at::Tensor& slopes);
Activation leakyReluActivation(double slope);

} // namespace tessera

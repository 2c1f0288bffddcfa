#pragma once
/// 3x3 convolutions on the CPU as Winograd F(4x4, 3x3) transforms around 36
/// small matrix products (cpu/winograd_kernels.h), bias and activation in the
/// output transform.
///
/// oneDNN's direct convolution already runs near the CPU's FMA rate, so being
/// faster than it means doing fewer multiplications: 4x fewer here for the
/// transforms' additions. The result differs from the direct sum by float
/// rounding (the transforms' constants reach 8; about 1e-6 of the output's
/// scale). Where this applies: the CPU, float32, 3x3 filters, stride and
/// dilation 1, one group, input and output channels multiples of 8 (at
/// least 16 in), at least 4096 output pixels (N H' W'), an AVX2 + FMA CPU.

#include "models/bias_activation.h"

namespace tessera::cpu {

/// True where winogradConvolution takes conv2d(x, weight, ..., stride,
/// padding, dilation, groups).
bool winogradConvolutionApplies(const at::Tensor& x, const at::Tensor& weight, at::IntArrayRef stride,
                                at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups);

/// act(conv2d(x, weight, bias, stride 1, padding)). x: [N, C, H, W] (any
/// layout; channels_last, or a channel slice of one, is read in place) ->
/// [N, K, H + 2 ph - 2, W + 2 pw - 2] in channels_last, written into `out`
/// when it is given (e.g. a channel slice of a dense block's features).
at::Tensor winogradConvolution(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                               at::IntArrayRef padding, const Activation& activation,
                               const at::Tensor& out = at::Tensor());

/// For the bench and tests: `false` sends every convolution to torch's.
void setWinogradConvolutionsEnabled(bool enabled);

} // namespace tessera::cpu

#pragma once
/// act(conv2d(x, w) + bias) as one cuDNN operation graph: the convolution's
/// epilogue adds the bias and applies the activation before y is stored, so
/// y is written once instead of written, read and written again by our
/// epilogue kernel (models/bias_activation.h). Used by
/// convolutionBiasActivation on builds that found cuDNN 9 (TESSERA_CUDNN_GRAPHS).
///
/// Plans are built once per convolution shape (cuDNN's heuristics, mode A).
/// With autotuning on (setConvolutionAutotuning) each candidate plan is timed
/// against the unfused convolution + epilogue and the fastest is kept, as
/// cudnn.benchmark does (past 2^31 elements the fastest plan is kept untimed
/// against the unfused path, whose own autotuning costs seconds there); with
/// it off the heuristics' first plan runs, so that several devices choose alike.

#include "models/bias_activation.h"

#include <functional>
#include <string>
#include <vector>

namespace tessera::cuda {

/// act(conv2d(x, weight) + bias) by one cuDNN plan. x: [N, Cin, H, W] fp16
/// or bf16 on CUDA in channels-last memory or a channel slice of it (a dense
/// block's first Cin features), weight [Cout, Cin, R, S], bias [Cout] (or
/// undefined); groups 1. Writes into `into` where it is defined ([N, Cout,
/// H', W'], likewise channels-last or a channel slice), else into a new
/// channels-last tensor, and returns that. Returns an undefined tensor where
/// no plan runs this convolution or `unfused` (the same result by conv + our
/// epilogue, and into `into` when given) timed faster: the caller then runs
/// `unfused` itself. `unfused` runs under the plan cache's lock, so it must
/// not call convolutionGraph. Under ConvolutionPlansFrozen a shape without a
/// plan gets none (undefined is returned).
at::Tensor convolutionGraph(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                            at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
                            const Activation& activation, const at::Tensor& into,
                            const std::function<at::Tensor()>& unfused);

/// One line per convolution shape met so far: the plan chosen and its time
/// against the unfused path, or why none runs (for tessera-bench).
std::vector<std::string> convolutionGraphReport();

} // namespace tessera::cuda

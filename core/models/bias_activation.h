#pragma once
/// A convolution's epilogue, act(y + bias), in one pass over y.
///
/// torch adds a convolution's bias with a separate broadcast kernel and runs
/// PReLU / leaky ReLU as another; on channels_last fp16 both take its generic
/// (not vectorised) elementwise path, which at 1463² tiles cost 13 of an
/// SRVGG forward's 20 ms against 6 ms of convolutions (tests/bench/NOTES.md).
/// On CUDA builds with a CUDA compiler, a kernel of ours does bias and
/// activation in one vectorised pass; elsewhere (the CPU, LibTorch 1.13,
/// other dtypes) torch's ops run as before.

#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

/// What follows a convolution's bias.
struct Activation {
    enum class Kind { None, Relu, LeakyRelu, PRelu };
    Kind kind = Kind::None;
    double slope = 0.0; ///< LeakyRelu: the negative side's slope
    at::Tensor slopes;  ///< PRelu: [C] or [1], one slope per channel
};

/// act(y + bias) for y: [N, C, H, W] and bias [C] (or undefined: none).
/// Writes into y when `inPlace` (y must then be a tensor of the caller's own).
at::Tensor applyBiasActivation(const at::Tensor& y, const at::Tensor& bias, const Activation& activation, bool inPlace);

/// act(conv2d(x, weight, bias, ...)). x: [N, Cin, H, W] -> [N, Cout, H', W'].
/// On CUDA in fp16/bf16 with cuDNN 9, one cuDNN plan whose epilogue adds the
/// bias and applies the activation, where cuDNN has one and it times faster;
/// on the CPU in float32, 3x3 convolutions of stride 1 with channel counts
/// that are multiples of 8 as Winograd transforms, bias and activation in
/// their last pass (cpu/winograd_convolution.h); otherwise the convolution
/// without its bias, then applyBiasActivation in place.
at::Tensor convolutionBiasActivation(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                     at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
                                     int64_t groups, const Activation& activation);

/// The same into `out` ([N, Cout, H', W'], e.g. a channel slice of a larger
/// channels-last buffer, so that a dense block needs no concatenation):
/// where the cuDNN graph runs it writes there directly, else the result is
/// copied in. `x` may be such a slice too.
void convolutionBiasActivationInto(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                   at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
                                   int64_t groups, const Activation& activation, const at::Tensor& out);

/// While one lives, convolutions on this thread use the cuDNN plans built so
/// far but build no new ones (a shape without a plan runs conv + our
/// epilogue). For one-off shapes, such as a tile preview at a size the run
/// has not used: a plan costs a fraction of a second to a few seconds to
/// build and time, which only a run's repeated tiles pay back.
class ConvolutionPlansFrozen {
public:
    ConvolutionPlansFrozen();
    ~ConvolutionPlansFrozen();
    ConvolutionPlansFrozen(const ConvolutionPlansFrozen&) = delete;
    ConvolutionPlansFrozen& operator=(const ConvolutionPlansFrozen&) = delete;
    /// True on a thread where one lives.
    static bool active();

private:
    bool m_before;
};

/// True where applyBiasActivation runs our kernel for `y`. For the bench and
/// tests, `setFusedEpiloguesEnabled(false)` makes every call take torch's ops.
bool fusedEpilogueApplies(const at::Tensor& y);
void setFusedEpiloguesEnabled(bool enabled);

/// True on builds with cuDNN's operation graphs (TESSERA_CUDNN_GRAPHS). For
/// the bench, `setConvolutionGraphsEnabled(false)` keeps every convolution on
/// conv + our epilogue; convolutionGraphReport() says, per convolution shape
/// met, which path runs and what the two timed.
bool convolutionGraphsBuilt();
void setConvolutionGraphsEnabled(bool enabled);
std::vector<std::string> convolutionGraphReport();

} // namespace tessera

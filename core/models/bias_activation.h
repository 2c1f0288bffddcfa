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
/// otherwise the convolution without its bias, then applyBiasActivation in place.
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

/// A convolution's weights in FP8 E4M3: each output channel scaled by a power
/// of two that brings its largest magnitude to at most 448 (E4M3's largest),
/// so small weights keep their 3 mantissa bits instead of going subnormal;
/// `descale` [Cout] fp32 undoes it exactly after the convolution.
struct Fp8Weights {
    at::Tensor values;  ///< [Cout, Cin, R, S] FP8 E4M3
    at::Tensor descale; ///< [Cout] fp32, a power of two per channel
};

/// True where FP8 convolutions can run: LibTorch 2.1+ (its FP8 dtype) with
/// cuDNN's graphs built in; they run on GPUs with FP8 tensor cores (Hopper).
bool fp8ConvolutionsBuilt();

/// `weight` ([Cout, Cin, R, S], any float type) quantized to FP8 per output
/// channel (Fp8Weights). Throws Error(InvalidArgument) where fp8ConvolutionsBuilt() is false.
Fp8Weights quantizeFp8Weights(const at::Tensor& weight);

/// act(conv2d(x, w) + bias) with FP8 inputs: x ([N, Cin, H, W] on CUDA, FP8
/// E4M3, or fp16 and converted first) times `weights`, accumulated in fp32,
/// descaled, biased and activated in one cuDNN plan, stored as `outType`
/// (FP8 E4M3 for the next FP8 convolution, or fp16). Where cuDNN has no plan
/// (or the fp16 convolution of the dequantized weights times faster) that
/// runs instead, with the same output type.
at::Tensor convolutionBiasActivationFp8(const at::Tensor& x, const Fp8Weights& weights, const at::Tensor& bias,
                                        at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
                                        const Activation& activation, at::ScalarType outType);

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

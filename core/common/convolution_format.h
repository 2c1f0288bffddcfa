#pragma once
/// How image networks' convolutions are set up on a device for speed: the
/// memory format their tensors live in, and cuDNN's algorithm search.

#include <ATen/ATen.h>
#include <c10/core/Device.h>

namespace tessera {

/// The memory format convolutions run fastest in on `device`: channels_last
/// (NHWC) on CUDA, where cuDNN's tensor-core kernels want it (NCHW costs them
/// a transposition each way), and on the CPU, where oneDNN's convolutions ran
/// 1.3x faster in it than in NCHW (SRVGG and RRDB, fp32, 2 cores; NOTES.md).
at::MemoryFormat convolutionMemoryFormat(const c10::Device& device);

/// `tensor` laid out for convolutions on its own device: 4-d tensors
/// (convolution weights, image batches) in convolutionMemoryFormat, the rest
/// contiguous.
at::Tensor inConvolutionFormat(const at::Tensor& tensor);

/// Lets cuDNN time its algorithms for each new convolution shape and keep the
/// fastest (torch.backends.cudnn.benchmark), or (false) take its heuristics'
/// choice. Tiles repeat one shape, so the search is paid once per run; but
/// timings may choose differently on two devices, and so round differently:
/// a run over several devices takes the heuristics, which choose alike.
void setConvolutionAutotuning(bool on);

} // namespace tessera

#include "models/bias_activation.h"

#include "models/cpu/winograd_convolution.h"

#include <atomic>

#ifdef TESSERA_CUDA_KERNELS
#include "models/cuda/bias_activation_kernel.h"

#include <c10/cuda/CUDAStream.h>
#endif
#ifdef TESSERA_CUDNN_GRAPHS
#include "models/cuda/convolution_graph.h"
#endif

namespace tessera {

namespace {

std::atomic<bool> g_fusedEnabled{true};
std::atomic<bool> g_graphsEnabled{true};

// torch's ops, as before the kernel: y + bias, then the activation.
at::Tensor torchBiasActivation(const at::Tensor& y, const at::Tensor& bias, const Activation& activation, bool inPlace)
{
    at::Tensor out = y;
    if (bias.defined()) {
        const at::Tensor perChannel = bias.view({1, -1, 1, 1});
        out = inPlace ? y.add_(perChannel) : y + perChannel;
        inPlace = true; // out is ours now
    }
    switch (activation.kind) {
    case Activation::Kind::None: return out;
    case Activation::Kind::Relu: return inPlace ? out.relu_() : at::relu(out);
    case Activation::Kind::LeakyRelu:
        return inPlace ? at::leaky_relu_(out, activation.slope) : at::leaky_relu(out, activation.slope);
    case Activation::Kind::PRelu: return at::prelu(out, activation.slopes);
    }
    return out;
}

// True where a convolution of x gives an output our epilogue kernel takes
// (CUDA, fp16 / fp32: the convolution's output is contiguous even where x
// is a channel slice).
bool kernelEpilogueFollows(const at::Tensor& x)
{
#ifdef TESSERA_CUDA_KERNELS
    return g_fusedEnabled.load() && x.is_cuda() && x.dim() == 4
        && (x.scalar_type() == at::kHalf || x.scalar_type() == at::kFloat) && x.numel() > 0;
#else
    (void)x;
    return false;
#endif
}

// The convolution, then our epilogue kernel where it applies, else torch's
// ops: every path but the cuDNN graph, which calls this as its rival (so
// this must not call the graph: it runs under the graph cache's lock).
at::Tensor unfusedConvolution(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                              at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups,
                              const Activation& activation)
{
    if (cpu::winogradConvolutionApplies(x, weight, stride, padding, dilation, groups))
        return cpu::winogradConvolution(x, weight, bias, padding, activation);
    if (!kernelEpilogueFollows(x)) {
        // torch's own path: the convolution adds the bias.
        const at::Tensor y = at::conv2d(x, weight, bias, stride, padding, dilation, groups);
        return torchBiasActivation(y, at::Tensor(), activation, /*inPlace=*/true);
    }
    const at::Tensor y = at::conv2d(x, weight, at::Tensor(), stride, padding, dilation, groups);
    return applyBiasActivation(y, bias, activation, /*inPlace=*/true);
}

thread_local bool t_plansFrozen = false;

#ifdef TESSERA_CUDNN_GRAPHS
// True where convolutions of `x` can take cuDNN's graphs: a CUDA fp16 /
// bf16 tensor, the graphs not turned off.
bool convolutionGraphsApply(const at::Tensor& x)
{
    return g_graphsEnabled.load() && x.is_cuda() && (x.scalar_type() == at::kHalf || x.scalar_type() == at::kBFloat16);
}
#endif

} // namespace

void setFusedEpiloguesEnabled(bool enabled)
{
    g_fusedEnabled.store(enabled);
}

bool convolutionGraphsBuilt()
{
#ifdef TESSERA_CUDNN_GRAPHS
    return true;
#else
    return false;
#endif
}

void setConvolutionGraphsEnabled(bool enabled)
{
    g_graphsEnabled.store(enabled);
}

std::vector<std::string> convolutionGraphReport()
{
#ifdef TESSERA_CUDNN_GRAPHS
    return cuda::convolutionGraphReport();
#else
    return {};
#endif
}

bool fusedEpilogueApplies(const at::Tensor& y)
{
    return kernelEpilogueFollows(y) && (y.is_contiguous(at::MemoryFormat::ChannelsLast) || y.is_contiguous());
}

at::Tensor applyBiasActivation(const at::Tensor& y, const at::Tensor& bias, const Activation& activation, bool inPlace)
{
#ifdef TESSERA_CUDA_KERNELS
    const int64_t channels = y.dim() == 4 ? y.size(1) : 0;
    const bool slopesFit = activation.kind != Activation::Kind::PRelu
        || (activation.slopes.numel() == channels || activation.slopes.numel() == 1);
    if (fusedEpilogueApplies(y) && slopesFit && (!bias.defined() || bias.numel() == channels)) {
        // Parameters in y's dtype and contiguous; [C] each (a single PReLU slope is expanded).
        auto perChannel = [&](const at::Tensor& t) {
            return t.defined() ? t.to(y.scalar_type()).reshape({-1}).expand({channels}).contiguous() : at::Tensor();
        };
        const at::Tensor b = perChannel(bias);
        const at::Tensor slopes = activation.kind == Activation::Kind::PRelu ? perChannel(activation.slopes) : at::Tensor();
        at::Tensor out = inPlace ? y : at::empty_like(y);
        cuda::BiasActivationArgs args;
        args.input = y.data_ptr();
        args.output = out.data_ptr();
        args.bias = b.defined() ? b.data_ptr() : nullptr;
        args.slopes = slopes.defined() ? slopes.data_ptr() : nullptr;
        args.slope = float(activation.slope);
        args.activation = int(activation.kind);
        args.count = y.numel();
        args.channels = channels;
        // Channels-last: a channel's values are `channels` apart and the channel
        // is index % C; NCHW: runs of H * W, the channel is (index / HW) % C.
        args.inner = y.is_contiguous(at::MemoryFormat::ChannelsLast) && !y.is_contiguous() ? 1 : y.size(2) * y.size(3);
        args.half = y.scalar_type() == at::kHalf;
        cuda::launchBiasActivation(args, c10::cuda::getCurrentCUDAStream(y.device().index()).stream());
        return out;
    }
#endif
    return torchBiasActivation(y, bias, activation, inPlace);
}

at::Tensor convolutionBiasActivation(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                     at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
                                     int64_t groups, const Activation& activation)
{
    auto unfused = [&] { return unfusedConvolution(x, weight, bias, stride, padding, dilation, groups, activation); };
#ifdef TESSERA_CUDNN_GRAPHS
    if (convolutionGraphsApply(x) && groups == 1) {
        at::Tensor fused =
            cuda::convolutionGraph(x, weight, bias, stride, padding, dilation, activation, at::Tensor(), unfused);
        if (fused.defined())
            return fused;
    }
#endif
    return unfused();
}

void convolutionBiasActivationInto(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                   at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation,
                                   int64_t groups, const Activation& activation, const at::Tensor& out)
{
    auto unfused = [&] { // out is a view: copy_ writes through it
        return out.copy_(unfusedConvolution(x, weight, bias, stride, padding, dilation, groups, activation));
    };
    if (cpu::winogradConvolutionApplies(x, weight, stride, padding, dilation, groups)) {
        cpu::winogradConvolution(x, weight, bias, padding, activation, out);
        return;
    }
#ifdef TESSERA_CUDNN_GRAPHS
    if (convolutionGraphsApply(x) && groups == 1
        && cuda::convolutionGraph(x, weight, bias, stride, padding, dilation, activation, out, unfused).defined())
        return;
#endif
    unfused();
}

ConvolutionPlansFrozen::ConvolutionPlansFrozen() : m_before(t_plansFrozen)
{
    t_plansFrozen = true;
}

ConvolutionPlansFrozen::~ConvolutionPlansFrozen()
{
    t_plansFrozen = m_before;
}

bool ConvolutionPlansFrozen::active()
{
    return t_plansFrozen;
}


} // namespace tessera

// ncnn layers with weights: Convolution, ConvolutionDepthWise, Deconvolution,
// DeconvolutionDepthWise, InnerProduct.

#include "models/ncnn/ncnn_layers_impl.h"

#include "models/bias_activation.h"

#include <optional>

namespace tessera::ncnn {

namespace {

struct ConvParams {
    int numOutput = 0;
    int kernelW = 0, kernelH = 0;
    int dilationW = 1, dilationH = 1;
    int strideW = 1, strideH = 1;
    int padLeft = 0, padRight = 0, padTop = 0, padBottom = 0;
    float padValue = 0;
    bool biasTerm = false;
    int64_t weightDataSize = 0;
    int group = 1;
    FusedActivation activation;
};

// The ids Convolution and Deconvolution share (ncnn's operators.md).
ConvParams readConvParams(const LayerDesc& desc)
{
    const ParamDict& p = desc.params;
    ConvParams c;
    c.numOutput = p.getInt(0, 0);
    c.kernelW = p.getInt(1, 0);
    c.kernelH = p.getInt(11, c.kernelW);
    c.dilationW = p.getInt(2, 1);
    c.dilationH = p.getInt(12, c.dilationW);
    c.strideW = p.getInt(3, 1);
    c.strideH = p.getInt(13, c.strideW);
    c.padLeft = p.getInt(4, 0);
    c.padRight = p.getInt(15, c.padLeft);
    c.padTop = p.getInt(14, c.padLeft);
    c.padBottom = p.getInt(16, c.padTop);
    c.biasTerm = p.getInt(5, 0) != 0;
    c.weightDataSize = p.getInt(6, 0);
    c.group = p.getInt(7, 1);
    c.activation = readFusedActivation(desc);
    if (c.numOutput <= 0 || c.kernelW <= 0 || c.kernelH <= 0 || c.dilationW <= 0 || c.dilationH <= 0
        || c.strideW <= 0 || c.strideH <= 0 || c.group <= 0 || c.weightDataSize <= 0)
        invalidLayer(desc, "num_output, kernel, dilation, stride, group and weight_data_size must be positive");
    if (c.numOutput % c.group != 0)
        invalidLayer(desc, "num_output is not a multiple of group");
    const int64_t perInput = int64_t(c.numOutput / c.group) * c.kernelW * c.kernelH;
    if (c.weightDataSize % perInput != 0)
        invalidLayer(desc, "weight_data_size " + std::to_string(c.weightDataSize)
                               + " does not fit num_output x kernel");
    return c;
}

int kernelExtent(int kernel, int dilation)
{
    return dilation * (kernel - 1) + 1;
}

// ncnn's -233 / -234: onnx SAME_UPPER / SAME_LOWER, resolved from the input size.
std::vector<int64_t> samePadding(const ConvParams& c, int64_t h, int64_t w, bool upper)
{
    const int64_t wpad = kernelExtent(c.kernelW, c.dilationW) + (w - 1) / c.strideW * c.strideW - w;
    const int64_t hpad = kernelExtent(c.kernelH, c.dilationH) + (h - 1) / c.strideH * c.strideH - h;
    if (wpad <= 0 && hpad <= 0)
        return {0, 0, 0, 0};
    const int64_t wa = upper ? wpad / 2 : wpad - wpad / 2;
    const int64_t ha = upper ? hpad / 2 : hpad - hpad / 2;
    return {wa, wpad - wa, ha, hpad - ha}; // left, right, top, bottom
}

at::Tensor require4d(const at::Tensor& x, const LayerDesc& desc)
{
    if (x.dim() != 4)
        badInput(desc.type, desc.name, "expects a 3-d (c, h, w) blob, got " + std::to_string(x.dim() - 1) + "-d");
    return x;
}

// ncnn's fused activations that the one-pass epilogue does (none, ReLU,
// leaky ReLU); the others run after the convolution with torch's ops.
std::optional<Activation> convolutionEpilogue(const FusedActivation& fused)
{
    Activation activation;
    switch (fused.type) {
    case 0: return activation;
    case 1:
        activation.kind = Activation::Kind::Relu;
        return activation;
    case 2:
        activation.kind = Activation::Kind::LeakyRelu;
        activation.slope = fused.params[0]; // readFusedActivation checked it is there
        return activation;
    default: return std::nullopt;
    }
}

// Convolution and ConvolutionDepthWise; with `prelu`, the PReLU layer that
// follows it (its slopes are read after the convolution's weights, in the
// .bin's order) becomes the convolution's epilogue.
std::unique_ptr<Layer> makeConvolutionLayer(const LayerDesc& desc, WeightReader& reader, const LayerDesc* prelu)
{
    requireBlobs(desc, 1, 1);
    ConvParams c = readConvParams(desc);
    c.padValue = desc.params.getFloat(18, 0.f);
    if (desc.type == "Convolution")
        c.group = 1;
    if (desc.params.getInt(8, 0) != 0)
        unsupportedOption(desc, "int8 quantisation (int8_scale_term)");
    if (desc.params.getInt(19, 0) != 0)
        unsupportedOption(desc, "dynamic_weight");

    // ncnn stores [group][out/group][in/group][kh][kw], which is torch's
    // grouped conv2d layout [out, in/group, kh, kw].
    const int64_t inPerGroup = c.weightDataSize / (int64_t(c.numOutput) * c.kernelW * c.kernelH);
    std::vector<at::Tensor> w;
    w.push_back(reader.readTagged(c.weightDataSize, desc.name + " weight")
                    .reshape({c.numOutput, inPerGroup, c.kernelH, c.kernelW}));
    if (c.biasTerm)
        w.push_back(reader.readRaw(c.numOutput, desc.name + " bias"));
    const bool withPRelu = prelu != nullptr;
    if (withPRelu)
        w.push_back(reader.readRaw(prelu->params.getInt(0, 0), prelu->name + " slope")); // weights.back()

    Footprint footprint;
    footprint.halfKernelIn = (std::max(kernelExtent(c.kernelW, c.dilationW), kernelExtent(c.kernelH, c.dilationH)) - 1) / 2.0;
    footprint.scale = 1.0 / c.strideW;

    const LayerDesc info{desc.type, desc.name, {}, {}, {}, desc.line, desc.source};
    ForwardFn forward = [c, info, withPRelu](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>& weights) {
        // x: [N, C, H, W]
        at::Tensor x = require4d(in[0], info);
        std::vector<int64_t> pads;
        if (c.padLeft > 0 || c.padRight > 0 || c.padTop > 0 || c.padBottom > 0)
            pads = {c.padLeft, c.padRight, c.padTop, c.padBottom};
        else if (c.padLeft == -233 && c.padRight == -233 && c.padTop == -233 && c.padBottom == -233)
            pads = samePadding(c, x.size(2), x.size(3), true);
        else if (c.padLeft == -234 && c.padRight == -234 && c.padTop == -234 && c.padBottom == -234)
            pads = samePadding(c, x.size(2), x.size(3), false);
        // Zero padding the same on both sides is the convolution's own (no
        // padded copy of the input); anything else is padded first.
        std::vector<int64_t> convPadding{0, 0};
        if (!pads.empty() && pads[0] == pads[1] && pads[2] == pads[3] && c.padValue == 0.f && pads[0] >= 0
            && pads[2] >= 0)
            convPadding = {pads[2], pads[0]};
        else if (!pads.empty() && (pads[0] > 0 || pads[1] > 0 || pads[2] > 0 || pads[3] > 0))
            x = at::constant_pad_nd(x, pads, c.padValue);
        const at::Tensor bias = c.biasTerm ? weights[1] : at::Tensor();
        // y: [N, num_output, H', W']
        const std::vector<int64_t> stride{c.strideH, c.strideW}, dilation{c.dilationH, c.dilationW};
        std::optional<Activation> epilogue = convolutionEpilogue(c.activation);
        if (withPRelu) {
            epilogue = Activation{};
            epilogue->kind = Activation::Kind::PRelu;
            epilogue->slopes = weights.back();
        }
        if (epilogue)
            return std::vector<at::Tensor>{convolutionBiasActivation(x, weights[0], bias, stride, convPadding, dilation,
                                                                     c.group, *epilogue)};
        at::Tensor y = at::conv2d(x, weights[0], bias, stride, convPadding, dilation, c.group);
        return std::vector<at::Tensor>{applyActivation(y, c.activation)};
    };
    const std::string name = withPRelu ? desc.name + "+" + prelu->name : desc.name;
    return std::make_unique<Layer>(desc.type, name, std::move(w), std::move(forward), footprint);
}

} // namespace

std::unique_ptr<Layer> makeConvolution(const LayerDesc& desc, WeightReader& reader)
{
    return makeConvolutionLayer(desc, reader, nullptr);
}

bool convolutionTakesPRelu(const LayerDesc& convolution, const LayerDesc& prelu)
{
    const int slopes = prelu.params.getInt(0, 0);
    return convolution.type == "Convolution" && convolution.params.getInt(9, 0) == 0
        && convolution.outputs.size() == 1 && prelu.type == "PReLU" && prelu.inputs.size() == 1
        && prelu.outputs.size() == 1 && prelu.inputs[0] == convolution.outputs[0]
        && (slopes == 1 || slopes == convolution.params.getInt(0, 0));
}

std::unique_ptr<Layer> makeConvolutionWithPRelu(const LayerDesc& convolution, const LayerDesc& prelu,
                                                WeightReader& reader)
{
    return makeConvolutionLayer(convolution, reader, &prelu);
}

std::unique_ptr<Layer> makeDeconvolution(const LayerDesc& desc, WeightReader& reader)
{
    requireBlobs(desc, 1, 1);
    ConvParams c = readConvParams(desc);
    if (desc.type == "Deconvolution")
        c.group = 1;
    const int outputPadRight = desc.params.getInt(18, 0);
    const int outputPadBottom = desc.params.getInt(19, outputPadRight);
    const int outputW = desc.params.getInt(20, 0);
    const int outputH = desc.params.getInt(21, outputW);
    if (desc.params.getInt(28, 0) != 0)
        unsupportedOption(desc, "dynamic_weight");
    if (outputPadRight < 0 || outputPadBottom < 0)
        invalidLayer(desc, "negative output padding");

    // ncnn stores [group][out/group][in/group][kh][kw]; torch's
    // conv_transpose2d wants [in, out/group, kh, kw]. Neither flips the kernel.
    const int64_t outPerGroup = c.numOutput / c.group;
    const int64_t inPerGroup = c.weightDataSize / (int64_t(c.numOutput) * c.kernelW * c.kernelH);
    std::vector<at::Tensor> w;
    w.push_back(reader.readTagged(c.weightDataSize, desc.name + " weight")
                    .reshape({c.group, outPerGroup, inPerGroup, c.kernelH, c.kernelW})
                    .transpose(1, 2)
                    .reshape({c.group * inPerGroup, outPerGroup, c.kernelH, c.kernelW})
                    .contiguous());
    if (c.biasTerm)
        w.push_back(reader.readRaw(c.numOutput, desc.name + " bias"));

    Footprint footprint;
    footprint.halfKernelOut = (std::max(kernelExtent(c.kernelW, c.dilationW), kernelExtent(c.kernelH, c.dilationH)) - 1) / 2.0;
    footprint.scale = c.strideW;

    const LayerDesc info{desc.type, desc.name, {}, {}, {}, desc.line, desc.source};
    ForwardFn forward = [c, info, outputPadRight, outputPadBottom, outputW, outputH](
                            const std::vector<at::Tensor>& in, const std::vector<at::Tensor>& weights) {
        // x: [N, C, H, W]
        const at::Tensor x = require4d(in[0], info);
        // y: [N, num_output, (H - 1) * stride + extent, ...], before ncnn's cut
        const std::vector<int64_t> stride{c.strideH, c.strideW}, zero{0, 0}, dilation{c.dilationH, c.dilationW};
        at::Tensor y = at::conv_transpose2d(x, weights[0], at::Tensor(), stride, zero, zero, c.group, dilation);
        if (outputPadRight > 0 || outputPadBottom > 0)
            y = at::constant_pad_nd(y, {0, outputPadRight, 0, outputPadBottom}, 0.0);
        if (weights.size() > 1)
            y = y + weights[1].view({1, -1, 1, 1});
        int64_t cutTop = 0, cutBottom = 0, cutLeft = 0, cutRight = 0;
        if (c.padLeft > 0 || c.padRight > 0 || c.padTop > 0 || c.padBottom > 0) {
            cutTop = std::max(c.padTop, 0);
            cutBottom = std::max(c.padBottom, 0);
            cutLeft = std::max(c.padLeft, 0);
            cutRight = std::max(c.padRight, 0);
        } else if (outputW > 0 && outputH > 0) {
            const int64_t wcut = y.size(3) - outputW;
            const int64_t hcut = y.size(2) - outputH;
            const bool upper = c.padLeft == -233 || c.padRight == -233 || c.padTop == -233 || c.padBottom == -233;
            const bool lower = c.padLeft == -234 || c.padRight == -234 || c.padTop == -234 || c.padBottom == -234;
            if (upper || lower) {
                cutTop = upper ? hcut / 2 : hcut - hcut / 2;
                cutBottom = hcut - cutTop;
                cutLeft = upper ? wcut / 2 : wcut - wcut / 2;
                cutRight = wcut - cutLeft;
            }
        }
        if (cutTop + cutBottom >= y.size(2) || cutLeft + cutRight >= y.size(3) || cutTop < 0 || cutLeft < 0
            || cutBottom < 0 || cutRight < 0)
            badInput(info.type, info.name, "input too small for the layer's padding");
        if (cutTop || cutBottom || cutLeft || cutRight)
            y = y.narrow(2, cutTop, y.size(2) - cutTop - cutBottom).narrow(3, cutLeft, y.size(3) - cutLeft - cutRight);
        return std::vector<at::Tensor>{applyActivation(y, c.activation)};
    };
    return std::make_unique<Layer>(desc.type, desc.name, std::move(w), std::move(forward), footprint);
}

std::unique_ptr<Layer> makeInnerProduct(const LayerDesc& desc, WeightReader& reader)
{
    requireBlobs(desc, 1, 1);
    const int numOutput = desc.params.getInt(0, 0);
    const bool biasTerm = desc.params.getInt(1, 0) != 0;
    const int64_t weightDataSize = desc.params.getInt(2, 0);
    if (desc.params.getInt(8, 0) != 0)
        unsupportedOption(desc, "int8 quantisation (int8_scale_term)");
    if (numOutput <= 0 || weightDataSize <= 0 || weightDataSize % numOutput != 0)
        invalidLayer(desc, "num_output and weight_data_size must be positive, the second a multiple of the first");
    const FusedActivation activation = readFusedActivation(desc);
    const int64_t numInput = weightDataSize / numOutput;

    std::vector<at::Tensor> w;
    w.push_back(reader.readTagged(weightDataSize, desc.name + " weight").reshape({numOutput, numInput}));
    if (biasTerm)
        w.push_back(reader.readRaw(numOutput, desc.name + " bias"));

    Footprint footprint;
    footprint.global = true;
    const std::string type = desc.type, name = desc.name;
    ForwardFn forward = [activation, numInput, type, name](const std::vector<at::Tensor>& in,
                                                          const std::vector<at::Tensor>& weights) {
        const at::Tensor& x = in[0];
        const at::Tensor bias = weights.size() > 1 ? weights[1] : at::Tensor();
        // A 2-d blob whose rows have num_input values: one product per row.
        if (x.dim() == 3 && x.size(2) == numInput)
            return std::vector<at::Tensor>{applyActivation(at::linear(x, weights[0], bias), activation)};
        // Anything else is flattened (c, h, w order): x: [N, num_input]
        const at::Tensor flat = x.reshape({x.size(0), -1});
        if (flat.size(1) != numInput)
            badInput(type, name, "expects " + std::to_string(numInput) + " values per image, got "
                                     + std::to_string(flat.size(1)));
        return std::vector<at::Tensor>{applyActivation(at::linear(flat, weights[0], bias), activation)};
    };
    return std::make_unique<Layer>(desc.type, desc.name, std::move(w), std::move(forward), footprint);
}

} // namespace tessera::ncnn

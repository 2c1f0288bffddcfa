#include "models/ncnn/ncnn_layers_impl.h"

#include "common/error.h"
#include "common/convolution_format.h"

#include <map>

namespace tessera::ncnn {

namespace {

const std::map<std::string, LayerMaker>& makers()
{
    static const std::map<std::string, LayerMaker> table = {
        {"Input", makeIdentity},
        {"Split", makeIdentity},
        {"Noop", makeIdentity},
        {"Dropout", makeActivation},
        {"Convolution", makeConvolution},
        {"ConvolutionDepthWise", makeConvolution},
        {"Deconvolution", makeDeconvolution},
        {"DeconvolutionDepthWise", makeDeconvolution},
        {"InnerProduct", makeInnerProduct},
        {"ReLU", makeActivation},
        {"Sigmoid", makeActivation},
        {"TanH", makeActivation},
        {"Clip", makeActivation},
        {"ELU", makeActivation},
        {"GELU", makeActivation},
        {"Swish", makeActivation},
        {"Mish", makeActivation},
        {"HardSigmoid", makeActivation},
        {"HardSwish", makeActivation},
        {"AbsVal", makeActivation},
        {"Power", makeActivation},
        {"PReLU", makePRelu},
        {"UnaryOp", makeUnaryOp},
        {"BinaryOp", makeBinaryOp},
        {"Eltwise", makeEltwise},
        {"Scale", makeScale},
        {"Bias", makeBias},
        {"BatchNorm", makeBatchNorm},
        {"Concat", makeConcat},
        {"Slice", makeSlice},
        {"Crop", makeCrop},
        {"Padding", makePadding},
        {"Pooling", makePooling},
        {"Interp", makeInterp},
        {"PixelShuffle", makePixelShuffle},
        {"Reshape", makeReshape},
        {"Flatten", makeFlatten},
        {"Softmax", makeSoftmax},
    };
    return table;
}

} // namespace

Layer::Layer(std::string type, std::string name, std::vector<at::Tensor> weights, ForwardFn forward,
             Footprint footprint)
    : m_type(std::move(type))
    , m_name(std::move(name))
    , m_weights(std::move(weights))
    , m_forward(std::move(forward))
    , m_footprint(footprint)
{
}

std::vector<at::Tensor> Layer::forward(const std::vector<at::Tensor>& inputs) const
{
    return m_forward(inputs, m_weights);
}

void Layer::to(c10::Device device, c10::ScalarType dtype)
{
    // Convolution weights in the memory format the blobs run in there.
    for (at::Tensor& w : m_weights)
        w = inConvolutionFormat(w.to(device, dtype));
}

int64_t Layer::parameterCount() const
{
    int64_t count = 0;
    for (const at::Tensor& w : m_weights)
        count += w.numel();
    return count;
}

std::unique_ptr<Layer> createLayer(const LayerDesc& desc, WeightReader& weights)
{
    const auto it = makers().find(desc.type);
    if (it == makers().end())
        throw Error(ErrorCode::UnsupportedModel,
                    layerLocation(desc) + ": the ncnn layer type '" + desc.type + "' is not supported");
    return it->second(desc, weights);
}

std::vector<std::string> supportedLayerTypes()
{
    std::vector<std::string> types;
    for (const auto& [type, maker] : makers())
        types.push_back(type);
    return types;
}

void requireBlobs(const LayerDesc& desc, int inputs, int outputs)
{
    if (int(desc.inputs.size()) != inputs || int(desc.outputs.size()) != outputs)
        invalidLayer(desc, "expects " + std::to_string(inputs) + " input(s) and " + std::to_string(outputs)
                               + " output(s), has " + std::to_string(desc.inputs.size()) + " and "
                               + std::to_string(desc.outputs.size()));
}

void unsupportedOption(const LayerDesc& desc, const std::string& what)
{
    throw Error(ErrorCode::UnsupportedModel, layerLocation(desc) + ": " + what + " is not supported");
}

void invalidLayer(const LayerDesc& desc, const std::string& what)
{
    throw Error(ErrorCode::InvalidModel, layerLocation(desc) + ": " + what);
}

void badInput(const std::string& type, const std::string& name, const std::string& what)
{
    throw Error(ErrorCode::InvalidArgument, type + " layer '" + name + "': " + what);
}

FusedActivation readFusedActivation(const LayerDesc& desc)
{
    FusedActivation activation;
    activation.type = desc.params.getInt(9, 0);
    activation.params = desc.params.getFloats(10);
    const size_t needed = activation.type == 2 ? 1 : (activation.type == 3 || activation.type == 6) ? 2 : 0;
    if (activation.type < 0 || activation.type > 6)
        unsupportedOption(desc, "activation_type " + std::to_string(activation.type));
    if (activation.params.size() < needed)
        invalidLayer(desc, "activation_type " + std::to_string(activation.type) + " needs "
                               + std::to_string(needed) + " activation_params");
    return activation;
}

at::Tensor applyActivation(const at::Tensor& x, const FusedActivation& activation)
{
    switch (activation.type) {
    case 1:
        return at::relu(x);
    case 2:
        return at::leaky_relu(x, activation.params[0]);
    case 3:
        return at::clamp(x, activation.params[0], activation.params[1]);
    case 4:
        return at::sigmoid(x);
    case 5:
        return x * at::tanh(at::softplus(x));
    case 6: {
        // ncnn's hard-swish: 0 below -beta/alpha, x above (1 - beta)/alpha,
        // x * (alpha x + beta) between.
        const double alpha = activation.params[0];
        const double beta = activation.params[1];
        return x * at::clamp(x * alpha + beta, 0.0, 1.0);
    }
    default:
        return x;
    }
}

at::Tensor expandLike(const at::Tensor& a, const at::Tensor& other)
{
    const int64_t aDims = a.dim() - 1;
    const int64_t otherDims = other.dim() - 1;
    if (aDims >= otherDims)
        return a;
    std::vector<int64_t> shape = a.sizes().vec();
    if (aDims == 1) {
        const int64_t length = a.size(1);
        const bool alongFirst = length == other.size(1);
        shape = {a.size(0)};
        if (alongFirst) {
            shape.push_back(length);
            for (int64_t i = 1; i < otherDims; ++i)
                shape.push_back(1);
        } else {
            for (int64_t i = 1; i < otherDims; ++i)
                shape.push_back(1);
            shape.push_back(length);
        }
        return a.reshape(shape);
    }
    while (int64_t(shape.size()) - 1 < otherDims)
        shape.push_back(1);
    return a.reshape(shape);
}

} // namespace tessera::ncnn

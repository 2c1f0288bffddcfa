// ncnn element-wise layers: activations, PReLU, UnaryOp, BinaryOp, Eltwise,
// Scale, Bias, BatchNorm.

#include "models/ncnn/ncnn_layers_impl.h"

#include "models/bias_activation.h"

#include <cfloat>

namespace tessera::ncnn {

namespace {

// A per-channel vector [n] viewed so it runs along dim 1 of `x` (ncnn's
// channel for 3-d blobs, row for 2-d, element for 1-d).
at::Tensor alongDim1(const at::Tensor& v, const at::Tensor& x)
{
    std::vector<int64_t> shape(size_t(x.dim()), 1);
    shape[1] = v.numel();
    return v.view(shape);
}

std::unique_ptr<Layer> elementwise(const LayerDesc& desc, std::function<at::Tensor(const at::Tensor&)> fn)
{
    requireBlobs(desc, 1, 1);
    ForwardFn forward = [fn](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
        return std::vector<at::Tensor>{fn(in[0])};
    };
    return std::make_unique<Layer>(desc.type, desc.name, std::vector<at::Tensor>{}, std::move(forward));
}

at::Tensor binary(int op, const at::Tensor& a, const at::Tensor& b)
{
    switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return at::maximum(a, b);
    case 5: return at::minimum(a, b);
    case 6: return at::pow(a, b);
    case 7: return b - a;
    case 8: return b / a;
    case 9: return at::pow(b, a);
    case 10: return at::atan2(a, b);
    default: return at::atan2(b, a); // 11: RATAN2
    }
}

} // namespace

std::unique_ptr<Layer> makeActivation(const LayerDesc& desc, WeightReader&)
{
    const ParamDict& p = desc.params;
    const std::string& t = desc.type;
    if (t == "ReLU") {
        const double slope = p.getFloat(0, 0.f);
        if (slope == 0)
            return elementwise(desc, [](const at::Tensor& x) { return at::relu(x); });
        return elementwise(desc, [slope](const at::Tensor& x) { return at::where(x > 0, x, x * slope); });
    }
    if (t == "Sigmoid")
        return elementwise(desc, [](const at::Tensor& x) { return at::sigmoid(x); });
    if (t == "TanH")
        return elementwise(desc, [](const at::Tensor& x) { return at::tanh(x); });
    if (t == "Clip") {
        const double lo = p.getFloat(0, -FLT_MAX), hi = p.getFloat(1, FLT_MAX);
        return elementwise(desc, [lo, hi](const at::Tensor& x) { return at::clamp(x, lo, hi); });
    }
    if (t == "ELU") {
        const double alpha = p.getFloat(0, 0.1f);
        return elementwise(desc, [alpha](const at::Tensor& x) { return at::where(x < 0, (at::exp(x) - 1) * alpha, x); });
    }
    if (t == "GELU") {
        const bool fast = p.getInt(0, 0) != 0;
        return elementwise(desc, [fast](const at::Tensor& x) {
            if (fast)
                return 0.5 * x * (1 + at::tanh(0.79788452 * (x + 0.044715 * x * x * x)));
            return 0.5 * x * at::erfc(-0.70710678 * x);
        });
    }
    if (t == "Swish")
        return elementwise(desc, [](const at::Tensor& x) { return x * at::sigmoid(x); });
    if (t == "Mish")
        return elementwise(desc, [](const at::Tensor& x) { return x * at::tanh(at::softplus(x)); });
    if (t == "HardSigmoid" || t == "HardSwish") {
        const double alpha = p.getFloat(0, 0.2f), beta = p.getFloat(1, 0.5f);
        const bool swish = t == "HardSwish";
        return elementwise(desc, [alpha, beta, swish](const at::Tensor& x) {
            const at::Tensor gate = at::clamp(x * alpha + beta, 0.0, 1.0);
            return swish ? x * gate : gate;
        });
    }
    if (t == "AbsVal")
        return elementwise(desc, [](const at::Tensor& x) { return at::abs(x); });
    if (t == "Power") {
        const double power = p.getFloat(0, 1.f), scale = p.getFloat(1, 1.f), shift = p.getFloat(2, 0.f);
        return elementwise(desc, [=](const at::Tensor& x) { return at::pow(x * scale + shift, power); });
    }
    if (t == "Dropout") {
        const double scale = p.getFloat(0, 1.f);
        return elementwise(desc, [scale](const at::Tensor& x) { return scale == 1 ? x : x * scale; });
    }
    unsupportedOption(desc, "activation type");
}

std::unique_ptr<Layer> makePRelu(const LayerDesc& desc, WeightReader& reader)
{
    requireBlobs(desc, 1, 1);
    const int numSlope = desc.params.getInt(0, 0);
    if (numSlope <= 0)
        invalidLayer(desc, "num_slope must be positive");
    std::vector<at::Tensor> w{reader.readRaw(numSlope, desc.name + " slope")};
    const std::string type = desc.type, name = desc.name;
    ForwardFn forward = [type, name](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>& weights) {
        const at::Tensor& x = in[0];
        const at::Tensor& slope = weights[0];
        if (slope.numel() == 1)
            return std::vector<at::Tensor>{at::where(x > 0, x, x * slope)};
        if (x.dim() < 2 || x.size(1) != slope.numel())
            badInput(type, name, std::to_string(slope.numel()) + " slopes for a blob of "
                                     + (x.dim() < 2 ? std::string("no") : std::to_string(x.size(1))) + " channels");
        // One pass (our kernel on CUDA, else at::prelu) where the slopes run
        // along the channels of an image blob; the general broadcast otherwise.
        if (x.dim() == 4) {
            Activation prelu;
            prelu.kind = Activation::Kind::PRelu;
            prelu.slopes = slope;
            return std::vector<at::Tensor>{applyBiasActivation(x, at::Tensor(), prelu, /*inPlace=*/false)};
        }
        return std::vector<at::Tensor>{at::where(x > 0, x, x * alongDim1(slope, x))};
    };
    return std::make_unique<Layer>(desc.type, desc.name, std::move(w), std::move(forward));
}

std::unique_ptr<Layer> makeUnaryOp(const LayerDesc& desc, WeightReader&)
{
    const int op = desc.params.getInt(0, 0);
    using F = at::Tensor (*)(const at::Tensor&);
    static const F ops[] = {
        [](const at::Tensor& x) { return at::abs(x); },   [](const at::Tensor& x) { return -x; },
        [](const at::Tensor& x) { return at::floor(x); }, [](const at::Tensor& x) { return at::ceil(x); },
        [](const at::Tensor& x) { return x * x; },        [](const at::Tensor& x) { return at::sqrt(x); },
        [](const at::Tensor& x) { return at::rsqrt(x); }, [](const at::Tensor& x) { return at::exp(x); },
        [](const at::Tensor& x) { return at::log(x); },   [](const at::Tensor& x) { return at::sin(x); },
        [](const at::Tensor& x) { return at::cos(x); },   [](const at::Tensor& x) { return at::tan(x); },
        [](const at::Tensor& x) { return at::asin(x); },  [](const at::Tensor& x) { return at::acos(x); },
        [](const at::Tensor& x) { return at::atan(x); },  [](const at::Tensor& x) { return at::reciprocal(x); },
        [](const at::Tensor& x) { return at::tanh(x); },  [](const at::Tensor& x) { return at::log10(x); },
        [](const at::Tensor& x) { return at::round(x); }, [](const at::Tensor& x) { return at::trunc(x); },
    };
    if (op < 0 || op >= int(std::size(ops)))
        unsupportedOption(desc, "op_type " + std::to_string(op));
    const F fn = ops[op];
    return elementwise(desc, [fn](const at::Tensor& x) { return fn(x); });
}

std::unique_ptr<Layer> makeBinaryOp(const LayerDesc& desc, WeightReader&)
{
    const int op = desc.params.getInt(0, 0);
    const bool withScalar = desc.params.getInt(1, 0) != 0;
    const double b = desc.params.getFloat(2, 0.f);
    if (op < 0 || op > 11)
        unsupportedOption(desc, "op_type " + std::to_string(op));
    if (withScalar) {
        return elementwise(desc, [op, b](const at::Tensor& x) {
            return binary(op, x, at::scalar_tensor(b, x.options()));
        });
    }
    requireBlobs(desc, 2, 1);
    ForwardFn forward = [op](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
        // ncnn broadcasting: the lower-rank blob is expanded against the other.
        const at::Tensor a = expandLike(in[0], in[1]);
        const at::Tensor bb = expandLike(in[1], in[0]);
        return std::vector<at::Tensor>{binary(op, a, bb)};
    };
    return std::make_unique<Layer>(desc.type, desc.name, std::vector<at::Tensor>{}, std::move(forward));
}

std::unique_ptr<Layer> makeEltwise(const LayerDesc& desc, WeightReader&)
{
    if (desc.inputs.size() < 1 || desc.outputs.size() != 1)
        invalidLayer(desc, "expects inputs and one output");
    const int op = desc.params.getInt(0, 0);
    const std::vector<float> coeffs = desc.params.getFloats(1);
    if (op < 0 || op > 2)
        unsupportedOption(desc, "op_type " + std::to_string(op));
    if (op == 1 && !coeffs.empty() && coeffs.size() != desc.inputs.size())
        invalidLayer(desc, "has " + std::to_string(coeffs.size()) + " coeffs for " + std::to_string(desc.inputs.size())
                               + " inputs");
    ForwardFn forward = [op, coeffs](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
        at::Tensor y = (op == 1 && !coeffs.empty()) ? in[0] * double(coeffs[0]) : in[0];
        for (size_t i = 1; i < in.size(); ++i) {
            if (op == 0)
                y = y * in[i];
            else if (op == 1)
                y = coeffs.empty() ? y + in[i] : y + in[i] * double(coeffs[i]);
            else
                y = at::maximum(y, in[i]);
        }
        return std::vector<at::Tensor>{y};
    };
    return std::make_unique<Layer>(desc.type, desc.name, std::vector<at::Tensor>{}, std::move(forward));
}

std::unique_ptr<Layer> makeScale(const LayerDesc& desc, WeightReader& reader)
{
    const int size = desc.params.getInt(0, 0);
    const bool biasTerm = desc.params.getInt(1, 0) != 0;
    if (size == -233) {
        // The scale comes from a second blob: y = x0 * x1 per channel.
        requireBlobs(desc, 2, 1);
        if (biasTerm)
            unsupportedOption(desc, "bias with a scale blob");
        ForwardFn forward = [](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
            return std::vector<at::Tensor>{in[0] * expandLike(in[1], in[0])};
        };
        return std::make_unique<Layer>(desc.type, desc.name, std::vector<at::Tensor>{}, std::move(forward));
    }
    requireBlobs(desc, 1, 1);
    if (size <= 0)
        invalidLayer(desc, "scale_data_size must be positive or -233");
    std::vector<at::Tensor> w{reader.readRaw(size, desc.name + " scale")};
    if (biasTerm)
        w.push_back(reader.readRaw(size, desc.name + " bias"));
    ForwardFn forward = [](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>& weights) {
        at::Tensor y = in[0] * alongDim1(weights[0], in[0]);
        if (weights.size() > 1)
            y = y + alongDim1(weights[1], in[0]);
        return std::vector<at::Tensor>{y};
    };
    return std::make_unique<Layer>(desc.type, desc.name, std::move(w), std::move(forward));
}

std::unique_ptr<Layer> makeBias(const LayerDesc& desc, WeightReader& reader)
{
    requireBlobs(desc, 1, 1);
    const int size = desc.params.getInt(0, 0);
    if (size <= 0)
        invalidLayer(desc, "bias_data_size must be positive");
    std::vector<at::Tensor> w{reader.readRaw(size, desc.name + " bias")};
    ForwardFn forward = [](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>& weights) {
        return std::vector<at::Tensor>{in[0] + alongDim1(weights[0], in[0])};
    };
    return std::make_unique<Layer>(desc.type, desc.name, std::move(w), std::move(forward));
}

std::unique_ptr<Layer> makeBatchNorm(const LayerDesc& desc, WeightReader& reader)
{
    requireBlobs(desc, 1, 1);
    const int channels = desc.params.getInt(0, 0);
    const double eps = desc.params.getFloat(1, 0.f);
    if (channels <= 0)
        invalidLayer(desc, "channels must be positive");
    const at::Tensor slope = reader.readRaw(channels, desc.name + " slope");
    const at::Tensor mean = reader.readRaw(channels, desc.name + " mean");
    const at::Tensor var = reader.readRaw(channels, desc.name + " var");
    const at::Tensor bias = reader.readRaw(channels, desc.name + " bias");
    // y = (x - mean) / sqrt(var + eps) * slope + bias = x * a + b
    const at::Tensor a = slope / at::sqrt(var + eps);
    std::vector<at::Tensor> w{a, bias - mean * a};
    ForwardFn forward = [](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>& weights) {
        return std::vector<at::Tensor>{in[0] * alongDim1(weights[0], in[0]) + alongDim1(weights[1], in[0])};
    };
    return std::make_unique<Layer>(desc.type, desc.name, std::move(w), std::move(forward));
}

} // namespace tessera::ncnn

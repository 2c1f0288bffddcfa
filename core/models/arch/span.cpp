// SPAN (Wan et al., "Swift Parameter-free Attention Network for Efficient
// Super-Resolution", CVPR 2024 / NTIRE 2024).
//
// conv_1 -> block_1..block_6 (SPAB) -> conv_2 -> conv_cat over
// [conv_1 out, conv_2 out, block_1 out, block_6's first conv] -> conv + pixel shuffle.
// Each Conv3XC is trained as 1x1 -> 3x3 -> 1x1 convs plus a 1x1 skip; at
// inference the reference folds them into one 3x3 conv (eval_conv) on every
// forward, which we do too rather than trusting the stored eval_conv.
// An SPAB gates its features with a parameter-free attention sigmoid(out3) - 0.5.

#include "models/arch/arch.h"

#include "common/cancel_scope.h"
#include "common/error.h"

#include <cmath>

namespace tessera {
namespace {

struct SpanConfig {
    int64_t inChannels = 3, outChannels = 3, features = 48;
    int scale = 4;
    bool normalize = true; ///< subtract the DIV2K mean and scale by 255 (absent with a no_norm buffer)
};

SpanConfig readConfig(const WeightStore& sd)
{
    SpanConfig c;
    const TensorInfo& first = tensorAt(sd, "conv_1.sk.weight", 4);
    c.features = first.size(0);
    c.inChannels = first.size(1);
    c.outChannels = c.inChannels;
    c.normalize = !hasKey(sd, "no_norm");
    const int64_t upOut = tensorAt(sd, "upsampler.0.weight", 4).size(0);
    c.scale = int(std::lround(std::sqrt(double(upOut / c.outChannels))));
    if (c.scale < 1 || c.scale * c.scale * c.outChannels != upOut)
        throw Error(ErrorCode::UnsupportedModel, "SPAN upsampler has " + std::to_string(upOut)
                                                     + " outputs, not channels x scale^2");
    for (int b = 1; b <= 6; ++b)
        tensorAt(sd, "block_" + std::to_string(b) + ".c1_r.sk.weight", 4);
    return c;
}

/// The re-parameterisable conv: sk (1x1) + conv.0 (1x1) -> conv.1 (3x3) -> conv.2 (1x1), plus eval_conv.
class Conv3XC : public torch::nn::Module {
public:
    Conv3XC(int64_t in, int64_t out, int64_t gain = 2)
    {
        m_sk = registerAt(*this, "sk", makeConv(in, out, 1));
        m_c0 = registerAt(*this, "conv.0", makeConv(in, in * gain, 1));
        m_c1 = registerAt(*this, "conv.1", makeConv(in * gain, out * gain, 3, true, 1, 1, 0));
        m_c2 = registerAt(*this, "conv.2", makeConv(out * gain, out, 1));
        m_eval = registerAt(*this, "eval_conv", makeConv(in, out, 3));
    }
    // x: [N, in, H, W] -> [N, out, H, W]
    at::Tensor forward(const at::Tensor& x)
    {
        // Fold the branches into one 3x3 kernel: W = w2 . w1 . w0 per tap, plus
        // the skip at the centre tap; biases pass through the later convs.
        const at::Tensor w0 = m_c0->weight.flatten(1);                 // [g in, in]
        const at::Tensor w1 = m_c1->weight.permute({2, 3, 0, 1});       // [3, 3, g out, g in]
        const at::Tensor w2 = m_c2->weight.flatten(1);                 // [out, g out]
        at::Tensor weight = at::matmul(w2, at::matmul(w1, w0)).permute({2, 3, 0, 1}).contiguous(); // [out, in, 3, 3]
        const at::Tensor b1 = (m_c1->weight * m_c0->bias.view({1, -1, 1, 1})).sum({1, 2, 3}) + m_c1->bias;
        at::Tensor bias = at::matmul(w2, b1) + m_c2->bias + m_sk->bias;
        weight = weight + at::constant_pad_nd(m_sk->weight, {1, 1, 1, 1}, 0.0);
        return at::conv2d(x, weight, bias, 1, 1);
    }

private:
    torch::nn::Conv2d m_sk{nullptr}, m_c0{nullptr}, m_c1{nullptr}, m_c2{nullptr}, m_eval{nullptr};
};

class Spab : public torch::nn::Module {
public:
    explicit Spab(int64_t channels)
    {
        for (int i = 1; i <= 3; ++i)
            m_convs.push_back(register_module("c" + std::to_string(i) + "_r", std::make_shared<Conv3XC>(channels, channels)));
    }
    // x: [N, C, H, W] -> (gated output, first conv output)
    std::pair<at::Tensor, at::Tensor> forward(const at::Tensor& x)
    {
        const at::Tensor out1 = m_convs[0]->forward(x);
        const at::Tensor out2 = m_convs[1]->forward(at::silu(out1));
        const at::Tensor out3 = m_convs[2]->forward(at::silu(out2));
        return {(out3 + x) * (out3.sigmoid() - 0.5), out1};
    }

private:
    std::vector<std::shared_ptr<Conv3XC>> m_convs;
};

class SpanNet : public ArchNetwork {
public:
    SpanNet(const SpanConfig& c, bool hasNoNormBuffer) : m_config(c)
    {
        m_first = register_module("conv_1", std::make_shared<Conv3XC>(c.inChannels, c.features));
        for (int b = 1; b <= 6; ++b)
            m_blocks.push_back(register_module("block_" + std::to_string(b), std::make_shared<Spab>(c.features)));
        m_cat = registerAt(*this, "conv_cat", makeConv(4 * c.features, c.features, 1));
        m_second = register_module("conv_2", std::make_shared<Conv3XC>(c.features, c.features));
        m_up = registerAt(*this, "upsampler.0", makeConv(c.features, c.outChannels * c.scale * c.scale, 3));
        if (hasNoNormBuffer)
            register_buffer("no_norm", at::zeros({1}));
    }

    // x: [N, C, H, W] -> [N, C, H * s, W * s]
    at::Tensor forward(const at::Tensor& x) override
    {
        at::Tensor in = x;
        if (m_config.normalize) {
            const at::Tensor mean = at::tensor({0.4488, 0.4371, 0.4040}, x.options()).view({1, 3, 1, 1});
            in = (x - mean) * 255.0;
        }
        const at::Tensor feature = m_first->forward(in);
        at::Tensor out = feature, firstBlock, lastInner;
        for (size_t b = 0; b < m_blocks.size(); ++b) {
            throwIfCurrentCancelled();
            auto [gated, inner] = m_blocks[b]->forward(out);
            out = gated;
            if (b == 0)
                firstBlock = gated;
            lastInner = inner;
        }
        out = m_second->forward(out);
        out = m_cat->forward(at::cat({feature, out, firstBlock, lastInner}, 1));
        return at::pixel_shuffle(m_up->forward(out), m_config.scale);
    }

private:
    SpanConfig m_config;
    std::shared_ptr<Conv3XC> m_first, m_second;
    std::vector<std::shared_ptr<Spab>> m_blocks;
    torch::nn::Conv2d m_cat{nullptr}, m_up{nullptr};
};

bool detect(const WeightStore& sd, ModelInfo& info)
{
    if (!hasKey(sd, "conv_1.sk.weight") || !hasKey(sd, "block_1.c1_r.sk.weight") || !hasKey(sd, "upsampler.0.weight"))
        return false;
    const SpanConfig c = readConfig(sd);
    info.architecture = "SPAN";
    info.scale = c.scale;
    info.inChannels = int(c.inChannels);
    info.outChannels = int(c.outChannels);
    info.inputMultiple = 1;
    // 3x3 convs: conv_1, 3 per block x 6, conv_2, the upsampler conv.
    info.receptiveRadius = 21;
    // Features are scaled by 255 before the first conv; fp16 has the range.
    info.featureChannels = int(c.features);
    info.fp16Safe = true;
    info.bf16Safe = true;
    info.details = "feature_channels=" + std::to_string(c.features) + (c.normalize ? "" : " no_norm");
    return true;
}

std::shared_ptr<ArchNetwork> build(const WeightStore& sd)
{
    return std::make_shared<SpanNet>(readConfig(sd), hasKey(sd, "no_norm"));
}

} // namespace

const ArchDescriptor& spanArchitecture()
{
    static const ArchDescriptor descriptor{
        "SPAN", {"conv_1.sk.weight", "block_1.c1_r.sk.weight", "conv_cat.weight", "conv_2.sk.weight", "upsampler.0.weight"},
        &detect, &build};
    return descriptor;
}

} // namespace tessera

// ESRGAN / Real-ESRGAN RRDBNet (Wang et al. 2018, 2021).
//
// Two key layouts exist for the same network:
//  - old ESRGAN: model.0 (first conv), model.1.sub.<i>.RDB<j>.conv<k>.0 (blocks),
//    model.1.sub.<nb> (trunk conv), then per x2 step an upsample and a conv
//    (model.3, model.6, ...), then the HR conv and the last conv;
//  - new BasicSR: conv_first, body.<i>.rdb<j>.conv<k>, conv_body, conv_up1/2,
//    conv_hr, conv_last.
// Real-ESRGAN x2 and x1 models pixel-unshuffle the input (by 2 or 4) and keep
// the x4 body, which shows as conv_first taking 4x or 16x the image channels.

#include "models/arch/arch.h"
#include "models/arch/conv_activation.h"

#include "common/cancel_scope.h"
#include "common/error.h"

#include <torch/nn/functional/upsampling.h>

namespace tessera {
namespace {

constexpr double kSlope = 0.2;

struct EsrganConfig {
    bool oldLayout = false;
    int64_t inChannels = 3, outChannels = 3, features = 64, blocks = 23, growth = 32;
    int unshuffle = 1;
    int upsamples = 2;
    // Old layout: indices of model.<i> for the first conv's successors.
    std::vector<int> upIndices;
    int hrIndex = 0, lastIndex = 0;
};

EsrganConfig readConfig(const WeightStore& sd)
{
    EsrganConfig c;
    c.oldLayout = hasKey(sd, "model.0.weight");
    const std::string first = c.oldLayout ? "model.0.weight" : "conv_first.weight";
    const std::string blockPrefix = c.oldLayout ? "model.1.sub." : "body.";
    const std::string rdb1conv1 = c.oldLayout ? ".RDB1.conv1.0.weight" : ".rdb1.conv1.weight";
    const TensorInfo& firstWeight = tensorAt(sd, first, 4);
    c.features = firstWeight.size(0);
    const int64_t firstIn = firstWeight.size(1);
    c.blocks = countIndexed(sd, blockPrefix, rdb1conv1);
    if (c.blocks == 0)
        throw Error(ErrorCode::UnsupportedModel, "RRDBNet without residual-in-residual blocks");
    c.growth = tensorAt(sd, blockPrefix + "0" + rdb1conv1, 4).size(0);
    if (c.oldLayout) {
        for (int i = 2; i < 64; ++i)
            if (hasKey(sd, "model." + std::to_string(i) + ".weight"))
                c.upIndices.push_back(i);
        if (c.upIndices.size() < 2)
            throw Error(ErrorCode::UnsupportedModel, "old-layout ESRGAN without HR and last convolutions");
        c.lastIndex = c.upIndices.back();
        c.upIndices.pop_back();
        c.hrIndex = c.upIndices.back();
        c.upIndices.pop_back();
        c.upsamples = int(c.upIndices.size());
        c.outChannels = tensorAt(sd, "model." + std::to_string(c.lastIndex) + ".weight", 4).size(0);
    } else {
        c.upsamples = 0;
        while (hasKey(sd, "conv_up" + std::to_string(c.upsamples + 1) + ".weight"))
            ++c.upsamples;
        c.outChannels = tensorAt(sd, "conv_last.weight", 4).size(0);
    }
    if (firstIn == c.outChannels * 4)
        c.unshuffle = 2;
    else if (firstIn == c.outChannels * 16)
        c.unshuffle = 4;
    c.inChannels = firstIn / (c.unshuffle * c.unshuffle);
    if ((1 << c.upsamples) < c.unshuffle)
        throw Error(ErrorCode::UnsupportedModel, "RRDBNet unshuffles more than it upsamples");
    return c;
}

// Residual dense block: five 3x3 convs, each seeing all earlier features.
// Cancellation is polled before every convolution: at a large tile on the
// CPU one block takes seconds, one convolution a fraction of that.
class DenseBlock : public torch::nn::Module {
public:
    DenseBlock(int64_t nf, int64_t gc, bool oldLayout)
    {
        for (int k = 0; k < 5; ++k) {
            const int64_t in = nf + k * gc;
            const int64_t out = k == 4 ? nf : gc;
            const std::string name = "conv" + std::to_string(k + 1) + (oldLayout ? ".0" : "");
            m_convs.push_back(registerAt(*this, name, makeConv(in, out, 3)));
        }
    }
    // x: [N, nf, H, W]
    at::Tensor forward(const at::Tensor& x)
    {
        const at::Tensor features = denseFeatures(x);
        throwIfCurrentCancelled();
        // x + 0.2 conv5(features), one pass after the convolution
        return at::add(x, convolveWithActivation(m_convs[4], features, Activation{}), 0.2);
    }

private:
    // [x, x1, x2, x3, x4]: [N, nf + 4 gc, H, W] in one channels-last buffer,
    // conv k reading its first nf + k gc channels and writing its gc into
    // the next slice. On CUDA the cuDNN graphs read and write the slices in
    // place, so no concatenation copies the features again; elsewhere each
    // convolution copies its slice and its output, the same traffic as
    // torch.cat's (640 channels a block).
    at::Tensor denseFeatures(const at::Tensor& x)
    {
        const int64_t nf = x.size(1), gc = m_convs[0]->options.out_channels();
        at::Tensor features = at::empty({x.size(0), nf + 4 * gc, x.size(2), x.size(3)},
                                        x.options().memory_format(at::MemoryFormat::ChannelsLast));
        features.narrow(1, 0, nf).copy_(x);
        for (int64_t k = 0; k < 4; ++k) {
            throwIfCurrentCancelled();
            convolveWithActivationInto(m_convs[size_t(k)], features.narrow(1, 0, nf + k * gc),
                                       leakyReluActivation(kSlope), features.narrow(1, nf + k * gc, gc));
        }
        return features;
    }

    std::vector<torch::nn::Conv2d> m_convs;
};

class ResidualInResidual : public torch::nn::Module {
public:
    ResidualInResidual(int64_t nf, int64_t gc, bool oldLayout)
    {
        for (int j = 1; j <= 3; ++j)
            m_blocks.push_back(register_module((oldLayout ? "RDB" : "rdb") + std::to_string(j),
                                               std::make_shared<DenseBlock>(nf, gc, oldLayout)));
    }
    // x: [N, nf, H, W]
    at::Tensor forward(const at::Tensor& x)
    {
        at::Tensor out = x;
        for (auto& block : m_blocks)
            out = block->forward(out);
        return at::add(x, out, 0.2); // x + 0.2 out, one pass
    }

private:
    std::vector<std::shared_ptr<DenseBlock>> m_blocks;
};

class EsrganNet : public ArchNetwork {
public:
    explicit EsrganNet(const EsrganConfig& c) : m_config(c)
    {
        const int64_t nf = c.features;
        const int64_t firstIn = c.inChannels * c.unshuffle * c.unshuffle;
        const bool old = c.oldLayout;
        m_first = registerAt(*this, old ? "model.0" : "conv_first", makeConv(firstIn, nf, 3));
        for (int i = 0; i < c.blocks; ++i) {
            auto block = std::make_shared<ResidualInResidual>(nf, c.growth, old);
            registerAtPath(*this, (old ? "model.1.sub." : "body.") + std::to_string(i), block);
            m_blocks.push_back(block);
        }
        m_trunk = registerAt(*this, old ? "model.1.sub." + std::to_string(c.blocks) : "conv_body", makeConv(nf, nf, 3));
        for (int u = 0; u < c.upsamples; ++u)
            m_ups.push_back(registerAt(*this, old ? "model." + std::to_string(c.upIndices[size_t(u)])
                                                  : "conv_up" + std::to_string(u + 1),
                                       makeConv(nf, nf, 3)));
        m_hr = registerAt(*this, old ? "model." + std::to_string(c.hrIndex) : "conv_hr", makeConv(nf, nf, 3));
        m_last = registerAt(*this, old ? "model." + std::to_string(c.lastIndex) : "conv_last",
                            makeConv(nf, c.outChannels, 3));
    }

    // x: [N, C, H, W] -> [N, C, H * scale, W * scale]
    at::Tensor forward(const at::Tensor& x) override
    {
        // feat: [N, C * u^2, H / u, W / u] for the unshuffling x2 / x1 models.
        at::Tensor feat = m_config.unshuffle > 1 ? at::pixel_unshuffle(x, m_config.unshuffle) : x;
        feat = m_first->forward(feat);
        at::Tensor trunk = feat;
        for (auto& block : m_blocks)
            trunk = block->forward(trunk);
        throwIfCurrentCancelled();
        feat = feat + m_trunk->forward(trunk);
        namespace F = torch::nn::functional;
        for (auto& up : m_ups) {
            // The convolutions above the body's resolution are the slowest.
            throwIfCurrentCancelled();
            // feat: [N, nf, h, w] -> [N, nf, 2h, 2w]
            feat = F::interpolate(feat, F::InterpolateFuncOptions()
                                            .scale_factor(std::vector<double>{2.0, 2.0})
                                            .mode(torch::kNearest));
            feat = convolveWithActivation(up, feat, leakyReluActivation(kSlope));
        }
        throwIfCurrentCancelled();
        feat = convolveWithActivation(m_hr, feat, leakyReluActivation(kSlope));
        throwIfCurrentCancelled();
        return m_last->forward(feat);
    }

private:
    EsrganConfig m_config;
    torch::nn::Conv2d m_first{nullptr}, m_trunk{nullptr}, m_hr{nullptr}, m_last{nullptr};
    std::vector<std::shared_ptr<ResidualInResidual>> m_blocks;
    std::vector<torch::nn::Conv2d> m_ups;
};

bool detect(const WeightStore& sd, ModelInfo& info)
{
    const bool old = hasKey(sd, "model.0.weight") && hasKey(sd, "model.1.sub.0.RDB1.conv1.0.weight");
    const bool fresh = hasKey(sd, "conv_first.weight") && hasKey(sd, "body.0.rdb1.conv1.weight");
    if (!old && !fresh)
        return false;
    const EsrganConfig c = readConfig(sd);
    info.architecture = "ESRGAN";
    info.scale = (1 << c.upsamples) / c.unshuffle;
    info.inChannels = int(c.inChannels);
    info.outChannels = int(c.outChannels);
    info.inputMultiple = c.unshuffle;
    // 15 3x3 convs per block plus the first and trunk convs at the body's
    // resolution, a couple more above it; unshuffling widens each step.
    info.receptiveRadius = int((15 * c.blocks + 4) * c.unshuffle);
    info.featureChannels = int(c.features); // the trunk; dense blocks concatenate up to nf + 4 gc briefly
    info.fp16Safe = true;
    info.bf16Safe = true;
    info.details = "nf=" + std::to_string(c.features) + " nb=" + std::to_string(c.blocks) + " gc="
                   + std::to_string(c.growth) + (c.unshuffle > 1 ? " unshuffle=" + std::to_string(c.unshuffle) : "")
                   + (c.oldLayout ? " (old ESRGAN keys)" : " (BasicSR keys)");
    return true;
}

std::shared_ptr<ArchNetwork> build(const WeightStore& sd)
{
    return std::make_shared<EsrganNet>(readConfig(sd));
}

} // namespace

const ArchDescriptor& esrganArchitecture()
{
    static const ArchDescriptor descriptor{
        "ESRGAN",
        {"conv_first.weight", "body.0.rdb1.conv1.weight", "conv_body.weight", "conv_up1.weight", "conv_hr.weight",
         "conv_last.weight", "model.0.weight", "model.1.sub.0.RDB1.conv1.0.weight"},
        &detect,
        &build};
    return descriptor;
}

} // namespace tessera

// SRVGGNetCompact (Real-ESRGAN's compact model, realesr-animevideov3 and many
// community "Compact" models): a plain stack of 3x3 convs with activations,
// a pixel shuffle, plus the nearest-upsampled input as a residual.
//
// Keys: body.0 (in -> nf), body.1 (activation), body.2k / body.2k+1 for the
// num_conv middle convs, body.<2 num_conv + 2> (nf -> out * scale^2). PReLU
// activations carry a 1-D per-channel weight; parameterless ones do not.

#include "models/arch/arch.h"
#include "models/arch/conv_activation.h"
#include "models/pixel_shuffle_add.h"

#include "common/cancel_scope.h"
#include "common/error.h"

#include <torch/nn/modules/activation.h>

#include <cmath>

namespace tessera {
namespace {

struct SrvggConfig {
    int64_t inChannels = 3, outChannels = 3, features = 64;
    int convs = 16; ///< num_conv: middle convolutions
    int scale = 4;
    bool prelu = true;
};

SrvggConfig readConfig(const WeightStore& sd)
{
    SrvggConfig c;
    const TensorInfo& first = tensorAt(sd, "body.0.weight", 4);
    c.features = first.size(0);
    c.inChannels = first.size(1);
    c.prelu = hasKey(sd, "body.1.weight");
    int last = 0;
    while (hasKey(sd, "body." + std::to_string(last + 2) + ".weight"))
        last += 2;
    c.convs = last / 2 - 1;
    if (c.convs < 0)
        throw Error(ErrorCode::UnsupportedModel, "SRVGGNetCompact with a single convolution");
    const TensorInfo& tail = tensorAt(sd, "body." + std::to_string(last) + ".weight", 4);
    c.outChannels = c.inChannels;
    const int64_t factor = tail.size(0) / c.outChannels;
    c.scale = int(std::lround(std::sqrt(double(factor))));
    if (c.scale < 1 || c.scale * c.scale * c.outChannels != tail.size(0))
        throw Error(ErrorCode::UnsupportedModel, "SRVGGNetCompact's last conv has " + std::to_string(tail.size(0))
                                                     + " outputs, not channels x scale^2");
    return c;
}

class SrvggNet : public ArchNetwork {
public:
    explicit SrvggNet(const SrvggConfig& c) : m_config(c)
    {
        for (int i = 0; i < c.convs + 2; ++i) {
            const int64_t in = i == 0 ? c.inChannels : c.features;
            const int64_t out = i == c.convs + 1 ? c.outChannels * c.scale * c.scale : c.features;
            m_convs.push_back(registerAt(*this, "body." + std::to_string(2 * i), makeConv(in, out, 3)));
            if (i <= c.convs && c.prelu)
                m_acts.push_back(registerAt(*this, "body." + std::to_string(2 * i + 1),
                                            torch::nn::PReLU(torch::nn::PReLUOptions().num_parameters(c.features))));
        }
    }

    // x: [N, C, H, W] -> [N, C, H * s, W * s]
    at::Tensor forward(const at::Tensor& x) override
    {
        at::Tensor out = x;
        for (size_t i = 0; i < m_convs.size(); ++i) {
            throwIfCurrentCancelled();
            // Without PReLU weights the activation is taken to be LeakyReLU(0.1).
            const Activation activation = i + 1 == m_convs.size() ? Activation{}
                : m_config.prelu                                  ? preluActivation(m_acts[i]->weight)
                                                                  : leakyReluActivation(0.1);
            out = convolveWithActivation(m_convs[i], out, activation);
        }
        // out: [N, C * s^2, H, W] -> [N, C, H * s, W * s], plus the input upsampled (nearest)
        return pixelShuffleAddUpsampled(out, x, m_config.scale);
    }

private:
    SrvggConfig m_config;
    std::vector<torch::nn::Conv2d> m_convs;
    std::vector<torch::nn::PReLU> m_acts;
};

bool detect(const WeightStore& sd, ModelInfo& info)
{
    // body.0 is a conv and body.2 too, with no RRDB-style nested keys.
    if (!hasKey(sd, "body.0.weight") || !hasKey(sd, "body.2.weight") || hasKey(sd, "conv_first.weight")
        || tensorAt(sd, "body.0.weight").dim() != 4)
        return false;
    const SrvggConfig c = readConfig(sd);
    info.architecture = "SRVGGNetCompact";
    info.scale = c.scale;
    info.inChannels = int(c.inChannels);
    info.outChannels = int(c.outChannels);
    info.inputMultiple = 1;
    // num_conv + 2 convs of 3x3 at the input resolution, one pixel each.
    info.receptiveRadius = c.convs + 2;
    info.featureChannels = int(c.features);
    info.fp16Safe = true;
    info.bf16Safe = true;
    info.details = "nf=" + std::to_string(c.features) + " num_conv=" + std::to_string(c.convs)
                   + (c.prelu ? " act=prelu" : " act=leakyrelu");
    return true;
}

std::shared_ptr<ArchNetwork> build(const WeightStore& sd)
{
    return std::make_shared<SrvggNet>(readConfig(sd));
}

} // namespace

const ArchDescriptor& srvggArchitecture()
{
    static const ArchDescriptor descriptor{
        "SRVGGNetCompact", {"body.0.weight", "body.0.bias", "body.1.weight", "body.2.weight"}, &detect, &build};
    return descriptor;
}

} // namespace tessera

// OmniSR (Wang et al., "Omni Aggregation Networks for Lightweight Image
// Super-Resolution", CVPR 2023).
//
// input conv -> res_num OSAG groups -> output conv (+ input residual) -> conv + pixel shuffle.
// An OSAG is block_num OSA blocks, a 1x1 conv, a residual add and an ESA
// (enhanced spatial attention). An OSA block is a Sequential:
//   0 MBConv (1x1, GELU, depthwise 3x3, GELU, squeeze-excitation, 1x1) + x
//   1/3 rearrange into / out of non-overlapping ws x ws windows
//   2 window self-attention with relative position bias (pre-LayerNorm, residual)
//   4, 6, 10, 12 gated conv feed-forward (pre-LayerNorm2d, residual)
//   5 channel attention inside each window
//   7/9 rearrange into / out of a dilated "grid" (every (H/ws)-th pixel)
//   8 grid self-attention
//   11 channel attention across the grid
// Keys follow that Sequential: residual_layer.<g>.residual_layer.<b>.layer.<i>.(norm|fn).*

#include "models/arch/arch.h"

#include "common/cancel_scope.h"
#include "common/error.h"

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <cmath>

namespace tessera {
namespace {

struct OmniConfig {
    int64_t inChannels = 3, outChannels = 3, features = 64;
    int groups = 5;        ///< res_num: OSAG groups
    int blocks = 1;        ///< block_num: OSA blocks per group
    int window = 8;        ///< window_size
    int attentionHeads = 4;
    int channelHeads = 4;
    int64_t mbconvHidden = 64, seHidden = 16, esaChannels = 16;
    bool bias = true;      ///< input/output/up/1x1 convs carry biases
    bool ffnBias = false;
    bool positionBias = true;
    int scale = 4;
};

OmniConfig readConfig(const WeightStore& sd)
{
    OmniConfig c;
    const TensorInfo& input = tensorAt(sd, "input.weight", 4);
    c.features = input.size(0);
    c.inChannels = input.size(1);
    c.outChannels = c.inChannels;
    c.bias = hasKey(sd, "input.bias");
    c.groups = countIndexed(sd, "residual_layer.", ".esa.conv1.weight");
    c.blocks = countIndexed(sd, "residual_layer.0.residual_layer.", ".layer.0.fn.0.weight");
    if (c.groups == 0 || c.blocks == 0)
        throw Error(ErrorCode::UnsupportedModel, "OmniSR without OSAG groups or OSA blocks");
    const std::string block = "residual_layer.0.residual_layer.0.layer.";
    c.mbconvHidden = tensorAt(sd, block + "0.fn.0.weight", 4).size(0);
    c.seHidden = tensorAt(sd, block + "0.fn.4.gate.1.weight", 2).size(0);
    c.ffnBias = hasKey(sd, block + "4.fn.project_in.bias");
    c.channelHeads = int(tensorAt(sd, block + "5.fn.temperature", 3).size(0));
    c.positionBias = hasKey(sd, block + "2.fn.rel_pos_bias.weight");
    if (c.positionBias) {
        const TensorInfo& table = tensorAt(sd, block + "2.fn.rel_pos_bias.weight", 2);
        const int side = int(std::lround(std::sqrt(double(table.size(0)))));
        if (side * side != table.size(0) || side % 2 == 0)
            throw Error(ErrorCode::UnsupportedModel, "OmniSR relative position table is not (2 ws - 1)^2 long");
        c.window = (side + 1) / 2;
        c.attentionHeads = int(table.size(1));
    } // without a position table the window size leaves no trace; 8 is the published default
    if (c.features % c.attentionHeads != 0 || c.features % c.channelHeads != 0)
        throw Error(ErrorCode::UnsupportedModel, "OmniSR heads do not divide the feature count");
    c.esaChannels = tensorAt(sd, "residual_layer.0.esa.conv1.weight", 4).size(0);
    const int64_t upOut = tensorAt(sd, "up.0.weight", 4).size(0);
    c.scale = int(std::lround(std::sqrt(double(upOut / c.outChannels))));
    if (c.scale < 1 || c.scale * c.scale * c.outChannels != upOut)
        throw Error(ErrorCode::UnsupportedModel, "OmniSR up conv has " + std::to_string(upOut)
                                                     + " outputs, not channels x scale^2");
    return c;
}

/// LayerNorm over the channel dimension of [N, C, H, W] (eps 1e-6).
class LayerNorm2d : public torch::nn::Module {
public:
    explicit LayerNorm2d(int64_t channels)
    {
        m_weight = register_parameter("weight", at::ones({channels}));
        m_bias = register_parameter("bias", at::zeros({channels}));
    }
    // x: [N, C, H, W]
    at::Tensor forward(const at::Tensor& x)
    {
        const at::Tensor mean = x.mean(1, true);
        const at::Tensor var = (x - mean).pow(2).mean(1, true);
        const at::Tensor y = (x - mean) / (var + 1e-6).sqrt();
        return m_weight.view({1, -1, 1, 1}) * y + m_bias.view({1, -1, 1, 1});
    }

private:
    at::Tensor m_weight, m_bias;
};

/// 1x1 conv, depthwise 3x3 conv, GELU(x1) * x2 gate, 1x1 conv back.
class GatedFeedForward : public torch::nn::Module {
public:
    GatedFeedForward(int64_t dim, bool bias)
    {
        m_in = registerAt(*this, "project_in", makeConv(dim, 2 * dim, 1, bias));
        m_dw = registerAt(*this, "dwconv", makeConv(2 * dim, 2 * dim, 3, bias, 2 * dim));
        m_out = registerAt(*this, "project_out", makeConv(dim, dim, 1, bias));
    }
    // x: [N, C, H, W]
    at::Tensor forward(const at::Tensor& x)
    {
        const auto halves = m_dw->forward(m_in->forward(x)).chunk(2, 1);
        return m_out->forward(at::gelu(halves[0]) * halves[1]);
    }

private:
    torch::nn::Conv2d m_in{nullptr}, m_dw{nullptr}, m_out{nullptr};
};

/// Multi-head attention inside windows of ws x ws tokens, with a learned bias
/// per relative offset (dy, dx) and head.
class WindowAttention : public torch::nn::Module {
public:
    WindowAttention(int64_t dim, int heads, int window, bool positionBias)
        : m_heads(heads), m_window(window)
    {
        m_qkv = registerAt(*this, "to_qkv", torch::nn::Linear(torch::nn::LinearOptions(dim, 3 * dim).bias(false)));
        m_out = registerAt(*this, "to_out.0", torch::nn::Linear(torch::nn::LinearOptions(dim, dim).bias(false)));
        if (positionBias)
            m_table = registerAt(*this, "rel_pos_bias",
                                 torch::nn::Embedding(torch::nn::EmbeddingOptions((2 * window - 1) * (2 * window - 1), heads)));
        // index[a][b] for tokens a = (ya, xa), b = (yb, xb): (ya - yb + ws - 1) * (2 ws - 1) + (xa - xb + ws - 1)
        const int64_t n = int64_t(window) * window;
        m_index = at::empty({n, n}, at::kLong);
        auto index = m_index.accessor<int64_t, 2>();
        for (int64_t a = 0; a < n; ++a)
            for (int64_t b = 0; b < n; ++b)
                index[a][b] = (a / window - b / window + window - 1) * (2 * window - 1) + (a % window - b % window + window - 1);
    }
    // x: [B, X, Y, ws, ws, D] (B images, X x Y windows) -> same shape
    at::Tensor forward(const at::Tensor& x)
    {
        const int64_t b = x.size(0), gx = x.size(1), gy = x.size(2), d = x.size(5);
        const int64_t n = int64_t(m_window) * m_window, dh = d / m_heads;
        // tokens: [B X Y, n, D]
        const at::Tensor tokens = x.reshape({b * gx * gy, n, d});
        const auto qkv = m_qkv->forward(tokens).chunk(3, -1);
        // q, k, v: [B X Y, heads, n, dh]
        auto split = [&](const at::Tensor& t) { return t.reshape({-1, n, m_heads, dh}).permute({0, 2, 1, 3}); };
        const at::Tensor q = split(qkv[0]) * std::pow(double(dh), -0.5);
        const at::Tensor k = split(qkv[1]);
        const at::Tensor v = split(qkv[2]);
        at::Tensor sim = at::matmul(q, k.transpose(-2, -1)); // [B', heads, n, n]
        if (m_table) {
            const at::Tensor index = m_index.to(x.device());
            // bias: [n, n, heads] -> [heads, n, n]
            const at::Tensor bias = m_table->weight.index_select(0, index.flatten()).view({n, n, m_heads});
            sim = sim + bias.permute({2, 0, 1});
        }
        const at::Tensor out = at::matmul(sim.softmax(-1), v); // [B', heads, n, dh]
        const at::Tensor merged = out.permute({0, 2, 1, 3}).reshape({-1, n, d});
        return m_out->forward(merged).reshape({b, gx, gy, m_window, m_window, d});
    }

private:
    int m_heads, m_window;
    torch::nn::Linear m_qkv{nullptr}, m_out{nullptr};
    torch::nn::Embedding m_table{nullptr};
    at::Tensor m_index;
};

/// Attention between channels (d x d per head) with cosine similarity and a
/// learned temperature, over pixels inside each window (grid = false) or over
/// the pixels at one position of every window (grid = true).
class ChannelAttention : public torch::nn::Module {
public:
    ChannelAttention(int64_t dim, int heads, int window, bool grid) : m_heads(heads), m_window(window), m_grid(grid)
    {
        m_temperature = register_parameter("temperature", at::ones({heads, 1, 1}));
        m_qkv = registerAt(*this, "qkv", makeConv(dim, 3 * dim, 1, false));
        m_dw = registerAt(*this, "qkv_dwconv", makeConv(3 * dim, 3 * dim, 3, false, 3 * dim));
        m_out = registerAt(*this, "project_out", makeConv(dim, dim, 1, false));
    }
    // x: [N, C, H, W], H and W multiples of ws
    at::Tensor forward(const at::Tensor& x)
    {
        const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        const int64_t ps = m_window, gh = h / ps, gw = w / ps, d = c / m_heads;
        const auto qkv = m_dw->forward(m_qkv->forward(x)).chunk(3, 1);
        // t: [N, heads, d, gh, ps, gw, pw] -> [N, groups, heads, d, tokens]
        auto split = [&](const at::Tensor& t) {
            const at::Tensor v = t.reshape({b, m_heads, d, gh, ps, gw, ps});
            return m_grid ? v.permute({0, 4, 6, 1, 2, 3, 5}).reshape({b, ps * ps, m_heads, d, gh * gw})
                          : v.permute({0, 3, 5, 1, 2, 4, 6}).reshape({b, gh * gw, m_heads, d, ps * ps});
        };
        auto normalize = [](const at::Tensor& t) { return t / t.norm(2, -1, true).clamp_min(1e-12); };
        const at::Tensor q = normalize(split(qkv[0]));
        const at::Tensor k = normalize(split(qkv[1]));
        const at::Tensor v = split(qkv[2]);
        const at::Tensor attn = (at::matmul(q, k.transpose(-2, -1)) * m_temperature).softmax(-1); // [.., d, d]
        const at::Tensor out = at::matmul(attn, v);
        // back to [N, C, H, W]
        const at::Tensor merged =
            m_grid ? out.reshape({b, ps, ps, m_heads, d, gh, gw}).permute({0, 3, 4, 5, 1, 6, 2})
                   : out.reshape({b, gh, gw, m_heads, d, ps, ps}).permute({0, 3, 4, 1, 5, 2, 6});
        return m_out->forward(merged.reshape({b, c, h, w}));
    }

private:
    int m_heads, m_window;
    bool m_grid;
    at::Tensor m_temperature;
    torch::nn::Conv2d m_qkv{nullptr}, m_dw{nullptr}, m_out{nullptr};
};

class OsaBlock : public torch::nn::Module {
public:
    OsaBlock(const OmniConfig& c) : m_window(c.window)
    {
        const int64_t nf = c.features, hidden = c.mbconvHidden;
        m_mbIn = registerAt(*this, "layer.0.fn.0", makeConv(nf, hidden, 1));
        m_mbDw = registerAt(*this, "layer.0.fn.2", makeConv(hidden, hidden, 3, true, hidden));
        m_seDown = registerAt(*this, "layer.0.fn.4.gate.1",
                              torch::nn::Linear(torch::nn::LinearOptions(hidden, c.seHidden).bias(false)));
        m_seUp = registerAt(*this, "layer.0.fn.4.gate.3",
                            torch::nn::Linear(torch::nn::LinearOptions(c.seHidden, hidden).bias(false)));
        m_mbOut = registerAt(*this, "layer.0.fn.5", makeConv(hidden, nf, 1));
        for (int i : {2, 8}) {
            m_tokenNorms.push_back(registerAt(*this, "layer." + std::to_string(i) + ".norm",
                                              torch::nn::LayerNorm(torch::nn::LayerNormOptions({nf}))));
            auto attention = std::make_shared<WindowAttention>(nf, c.attentionHeads, c.window, c.positionBias);
            registerAtPath(*this, "layer." + std::to_string(i) + ".fn", attention);
            m_attentions.push_back(attention);
        }
        for (int i : {4, 5, 6, 10, 11, 12}) {
            auto norm = std::make_shared<LayerNorm2d>(nf);
            registerAtPath(*this, "layer." + std::to_string(i) + ".norm", norm);
            m_convNorms.push_back(norm);
        }
        for (int i : {4, 6, 10, 12}) {
            auto ffn = std::make_shared<GatedFeedForward>(nf, c.ffnBias);
            registerAtPath(*this, "layer." + std::to_string(i) + ".fn", ffn);
            m_ffns.push_back(ffn);
        }
        for (int i : {5, 11}) {
            auto ca = std::make_shared<ChannelAttention>(nf, c.channelHeads, c.window, i == 11);
            registerAtPath(*this, "layer." + std::to_string(i) + ".fn", ca);
            m_channelAttentions.push_back(ca);
        }
    }

    // x: [N, C, H, W] with H, W multiples of ws
    at::Tensor forward(at::Tensor x)
    {
        const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), ws = m_window;
        // MBConv with squeeze-excitation, residual.
        at::Tensor y = at::gelu(m_mbDw->forward(at::gelu(m_mbIn->forward(x))));
        const at::Tensor gate = m_seUp->forward(at::silu(m_seDown->forward(y.mean({2, 3})))).sigmoid();
        x = x + m_mbOut->forward(y * gate.unsqueeze(-1).unsqueeze(-1));

        auto convResidual = [&](size_t norm, auto& fn, const at::Tensor& in) {
            return fn->forward(m_convNorms[norm]->forward(in)) + in;
        };
        // Block attention: windows are contiguous ws x ws tiles.
        // t: [N, C, X, ws, Y, ws] -> [N, X, Y, ws, ws, C]
        at::Tensor t = x.reshape({b, c, h / ws, ws, w / ws, ws}).permute({0, 2, 4, 3, 5, 1});
        t = m_attentions[0]->forward(m_tokenNorms[0]->forward(t)) + t;
        x = t.permute({0, 5, 1, 3, 2, 4}).reshape({b, c, h, w});
        x = convResidual(0, m_ffns[0], x);
        x = convResidual(1, m_channelAttentions[0], x);
        x = convResidual(2, m_ffns[1], x);
        // Grid attention: a "window" gathers pixels (H / ws) apart.
        // t: [N, C, ws, X, ws, Y] -> [N, X, Y, ws, ws, C]
        t = x.reshape({b, c, ws, h / ws, ws, w / ws}).permute({0, 3, 5, 2, 4, 1});
        t = m_attentions[1]->forward(m_tokenNorms[1]->forward(t)) + t;
        x = t.permute({0, 5, 3, 1, 4, 2}).reshape({b, c, h, w});
        x = convResidual(3, m_ffns[2], x);
        x = convResidual(4, m_channelAttentions[1], x);
        return convResidual(5, m_ffns[3], x);
    }

private:
    int m_window;
    torch::nn::Conv2d m_mbIn{nullptr}, m_mbDw{nullptr}, m_mbOut{nullptr};
    torch::nn::Linear m_seDown{nullptr}, m_seUp{nullptr};
    std::vector<torch::nn::LayerNorm> m_tokenNorms;
    std::vector<std::shared_ptr<WindowAttention>> m_attentions;
    std::vector<std::shared_ptr<LayerNorm2d>> m_convNorms;
    std::vector<std::shared_ptr<GatedFeedForward>> m_ffns;
    std::vector<std::shared_ptr<ChannelAttention>> m_channelAttentions;
};

/// Enhanced spatial attention: a coarse mask from a strided conv, max pooling
/// and bilinear upsampling, gating the features.
class Esa : public torch::nn::Module {
public:
    Esa(int64_t f, int64_t nf)
    {
        m_conv1 = registerAt(*this, "conv1", makeConv(nf, f, 1));
        m_convF = registerAt(*this, "conv_f", makeConv(f, f, 1));
        m_conv2 = registerAt(*this, "conv2", makeConv(f, f, 3, true, 1, 2, 0));
        m_conv3 = registerAt(*this, "conv3", makeConv(f, f, 3));
        m_conv4 = registerAt(*this, "conv4", makeConv(f, nf, 1));
    }
    // x: [N, nf, H, W] (H, W >= 15 for the pooling window)
    at::Tensor forward(const at::Tensor& x)
    {
        const at::Tensor c1 = m_conv1->forward(x);
        const at::Tensor pooled = at::max_pool2d(m_conv2->forward(c1), {7, 7}, {3, 3});
        namespace F = torch::nn::functional;
        const at::Tensor c3 = F::interpolate(m_conv3->forward(pooled),
                                             F::InterpolateFuncOptions()
                                                 .size(std::vector<int64_t>{x.size(2), x.size(3)})
                                                 .mode(torch::kBilinear)
                                                 .align_corners(false));
        return x * m_conv4->forward(c3 + m_convF->forward(c1)).sigmoid();
    }

private:
    torch::nn::Conv2d m_conv1{nullptr}, m_convF{nullptr}, m_conv2{nullptr}, m_conv3{nullptr}, m_conv4{nullptr};
};

class OmniNet : public ArchNetwork {
public:
    explicit OmniNet(const OmniConfig& c) : m_config(c)
    {
        m_input = registerAt(*this, "input", makeConv(c.inChannels, c.features, 3, c.bias));
        for (int g = 0; g < c.groups; ++g) {
            const std::string group = "residual_layer." + std::to_string(g);
            std::vector<std::shared_ptr<OsaBlock>> blocks;
            for (int i = 0; i < c.blocks; ++i) {
                auto block = std::make_shared<OsaBlock>(c);
                registerAtPath(*this, group + ".residual_layer." + std::to_string(i), block);
                blocks.push_back(block);
            }
            m_blocks.push_back(blocks);
            m_groupConvs.push_back(registerAt(*this, group + ".residual_layer." + std::to_string(c.blocks),
                                              makeConv(c.features, c.features, 1, c.bias)));
            auto esa = std::make_shared<Esa>(c.esaChannels, c.features);
            registerAtPath(*this, group + ".esa", esa);
            m_esas.push_back(esa);
        }
        m_output = registerAt(*this, "output", makeConv(c.features, c.features, 3, c.bias));
        m_up = registerAt(*this, "up.0", makeConv(c.features, c.outChannels * c.scale * c.scale, 3, c.bias));
    }

    // x: [N, C, H, W] -> [N, C, H * s, W * s]
    at::Tensor forward(const at::Tensor& x) override
    {
        const int64_t h = x.size(2), w = x.size(3), ws = m_config.window;
        // Pad to a window multiple with zeros, as the reference does, and to at
        // least 16 pixels so the ESA pooling window fits.
        auto target = [&](int64_t size) { return std::max((size + ws - 1) / ws, (16 + ws - 1) / ws) * ws; };
        const at::Tensor padded = at::constant_pad_nd(x, {0, target(w) - w, 0, target(h) - h}, 0.0);
        const at::Tensor residual = m_input->forward(padded);
        at::Tensor out = residual;
        for (size_t g = 0; g < m_blocks.size(); ++g) {
            at::Tensor group = out;
            for (auto& block : m_blocks[g]) {
                throwIfCurrentCancelled();
                group = block->forward(group);
            }
            throwIfCurrentCancelled();
            out = m_esas[g]->forward(m_groupConvs[g]->forward(group) + out);
        }
        out = m_output->forward(out) + residual;
        out = at::pixel_shuffle(m_up->forward(out), m_config.scale);
        return out.slice(2, 0, h * m_config.scale).slice(3, 0, w * m_config.scale);
    }

private:
    OmniConfig m_config;
    torch::nn::Conv2d m_input{nullptr}, m_output{nullptr}, m_up{nullptr};
    std::vector<std::vector<std::shared_ptr<OsaBlock>>> m_blocks;
    std::vector<torch::nn::Conv2d> m_groupConvs;
    std::vector<std::shared_ptr<Esa>> m_esas;
};

bool detect(const WeightStore& sd, ModelInfo& info)
{
    if (!hasKey(sd, "input.weight") || !hasKey(sd, "up.0.weight")
        || !hasKey(sd, "residual_layer.0.residual_layer.0.layer.0.fn.0.weight"))
        return false;
    const OmniConfig c = readConfig(sd);
    info.architecture = "OmniSR";
    info.scale = c.scale;
    info.inChannels = int(c.inChannels);
    info.outChannels = int(c.outChannels);
    // Windows tile the input exactly.
    info.inputMultiple = c.window;
    // Grid channel attention and ESA pooling see the whole input, so tiles can
    // never match the whole image exactly; local detail settles within a few
    // windows, which is what this radius covers.
    info.receptiveRadius = 8 * c.window;
    info.featureChannels = int(c.features);
    info.fp16Safe = false; // cosine attention and LayerNorm2d lose range in fp16; bf16 keeps it
    info.bf16Safe = true;
    info.details = "nf=" + std::to_string(c.features) + " res_num=" + std::to_string(c.groups) + " block_num="
                   + std::to_string(c.blocks) + " window=" + std::to_string(c.window)
                   + (c.positionBias ? " pe" : "");
    return true;
}

std::shared_ptr<ArchNetwork> build(const WeightStore& sd)
{
    return std::make_shared<OmniNet>(readConfig(sd));
}

} // namespace

const ArchDescriptor& omnisrArchitecture()
{
    static const ArchDescriptor descriptor{
        "OmniSR",
        {"input.weight", "output.weight", "up.0.weight", "residual_layer.0.residual_layer.0.layer.0.fn.0.weight",
         "residual_layer.0.esa.conv1.weight"},
        &detect,
        &build};
    return descriptor;
}

} // namespace tessera

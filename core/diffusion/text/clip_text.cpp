#include "diffusion/text/clip_text.h"

#include "common/error.h"
#include "diffusion/layout_reader.h"
#include "diffusion/nn/attention.h"
#include "models/module_tree.h"

#include <c10/util/Exception.h>

#include <algorithm>
#include <cctype>

namespace tessera::sd {
namespace {

constexpr double kLayerNormEps = 1e-5; // CLIP's and open_clip's LayerNorm default

/// Where each tensor of a layout lives, below the encoder's prefix. The
/// network registers its modules under these names and the config inference
/// checks the same names, so the two cannot drift apart.
struct LayoutNames {
    const char* tokenEmbedding;    // Embedding module
    const char* positionEmbedding; // key of the [positions, W] tensor
    const char* blocks;            // "<blocks>N." starts block N
    const char* norm1;             // block-relative module paths
    const char* norm2;
    const char* outProj;
    const char* fc1;
    const char* fc2;
    const char* finalNorm;
};

const LayoutNames& layoutNames(ClipKeyLayout layout)
{
    static const LayoutNames huggingFace{"text_model.embeddings.token_embedding",
                                         "text_model.embeddings.position_embedding.weight",
                                         "text_model.encoder.layers.",
                                         "layer_norm1",
                                         "layer_norm2",
                                         "self_attn.out_proj",
                                         "mlp.fc1",
                                         "mlp.fc2",
                                         "text_model.final_layer_norm"};
    static const LayoutNames openClip{"token_embedding", "positional_embedding", "transformer.resblocks.",
                                      "ln_1",            "ln_2",                 "attn.out_proj",
                                      "mlp.c_fc",        "mlp.c_proj",           "ln_final"};
    return layout == ClipKeyLayout::HuggingFace ? huggingFace : openClip;
}

// Hugging Face's separate attention projections; OpenCLIP fuses them.
constexpr const char* kHfProjections[] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"};
constexpr const char* kOpenClipInProjWeight = "attn.in_proj_weight";
constexpr const char* kOpenClipInProjBias = "attn.in_proj_bias";
constexpr const char* kOpenClipProjection = "text_projection";

void expectLinear(const LayoutReader& layout, const std::string& path, int64_t out, int64_t in)
{
    layout.expectShape(path + ".weight", {out, in});
    layout.expectShape(path + ".bias", {out});
}

void expectLayerNorm(const LayoutReader& layout, const std::string& path, int64_t width)
{
    layout.expectShape(path + ".weight", {width});
    layout.expectShape(path + ".bias", {width});
}

/// 1 + the largest N of the keys "<blocksPrefix>N.", 0 when there is none.
int64_t countBlocks(const WeightStore& store, const std::string& blocksPrefix)
{
    int64_t count = 0;
    for (const std::string& key : store.keys()) {
        if (key.compare(0, blocksPrefix.size(), blocksPrefix) != 0)
            continue;
        const size_t dot = key.find('.', blocksPrefix.size());
        const std::string index = key.substr(blocksPrefix.size(), dot - blocksPrefix.size());
        if (index.empty() || !std::all_of(index.begin(), index.end(), [](unsigned char c) { return std::isdigit(c); }))
            continue;
        count = std::max<int64_t>(count, std::stoll(index) + 1);
    }
    return count;
}

/// Error(UnsupportedModel) unless every tensor of block `path` has its shape.
void checkBlock(const LayoutReader& layout, const std::string& path, const ClipTextConfig& config)
{
    const LayoutNames& names = layoutNames(config.layout);
    const int64_t w = config.width;
    expectLayerNorm(layout, path + names.norm1, w);
    if (config.layout == ClipKeyLayout::HuggingFace) {
        for (const char* projection : kHfProjections)
            expectLinear(layout, path + projection, w, w);
    } else {
        layout.expectShape(path + kOpenClipInProjWeight, {3 * w, w});
        layout.expectShape(path + kOpenClipInProjBias, {3 * w});
    }
    expectLinear(layout, path + names.outProj, w, w);
    expectLayerNorm(layout, path + names.norm2, w);
    expectLinear(layout, path + names.fc1, config.mlpWidth, w);
    expectLinear(layout, path + names.fc2, w, config.mlpWidth);
}

} // namespace

ClipTextConfig inferClipTextConfig(const WeightStore& store, const std::string& prefix, ClipKeyLayout layout)
{
    const LayoutNames& names = layoutNames(layout);
    const LayoutReader reader(store, prefix, "a CLIP text encoder");
    ClipTextConfig config;
    config.layout = layout;

    // token_embedding [vocab, W] gives the width everything else is checked against.
    const std::string tokenKey = names.tokenEmbedding + std::string(".weight");
    config.vocabSize = reader.size(tokenKey, 2, 0);
    config.width = reader.size(tokenKey, 2, 1);
    config.heads = std::max<int64_t>(1, config.width / 64);

    config.positions = reader.size(names.positionEmbedding, 2, 0);
    if (reader.size(names.positionEmbedding, 2, 1) != config.width)
        reader.fail(names.positionEmbedding, "is not [positions, " + std::to_string(config.width) + "]");

    config.layers = countBlocks(store, prefix + names.blocks);
    if (config.layers == 0)
        reader.fail(names.blocks + std::string("0"), "is missing: the CLIP text encoder has no blocks");
    config.mlpWidth = reader.size(names.blocks + std::string("0.") + names.fc1 + ".weight", 2, 0);
    for (int64_t i = 0; i < config.layers; ++i)
        checkBlock(reader, names.blocks + std::to_string(i) + ".", config);
    expectLayerNorm(reader, names.finalNorm, config.width);

    // Hugging Face's CLIPTextModel has no projection (SD 1.x and SDXL use none
    // from ViT-L); OpenCLIP stores text_projection [W, P], applied as x @ P.
    config.quickGelu = layout == ClipKeyLayout::HuggingFace;
    if (layout == ClipKeyLayout::OpenClip && reader.has(kOpenClipProjection)) {
        if (reader.size(kOpenClipProjection, 2, 0) != config.width)
            reader.fail(kOpenClipProjection, "is not [" + std::to_string(config.width) + ", projection]");
        config.projectionDim = reader.size(kOpenClipProjection, 2, 1);
    }
    return config;
}

ClipTextModel::ClipTextModel(const ClipTextConfig& config, const at::TensorOptions& options) : m_config(config)
{
    const LayoutNames& names = layoutNames(config.layout);
    const bool huggingFace = config.layout == ClipKeyLayout::HuggingFace;
    const int64_t w = config.width;
    if (config.projectionDim > 0 && huggingFace)
        throw Error(ErrorCode::InvalidArgument, "a text_projection is only known in the OpenCLIP key layout");

    m_tokenEmbedding =
        registerAt(*this, names.tokenEmbedding, std::make_shared<Embedding>(config.vocabSize, w, options));
    // Hugging Face: an Embedding module's weight; OpenCLIP: a bare parameter.
    if (huggingFace) {
        auto position = std::make_shared<Embedding>(config.positions, w, options);
        m_positionEmbedding = registerAt(*this, "text_model.embeddings.position_embedding", position)->weight;
    } else {
        m_positionEmbedding = registerEmpty(*this, names.positionEmbedding, {config.positions, w}, options);
    }

    for (int64_t i = 0; i < config.layers; ++i) {
        const std::string path = names.blocks + std::to_string(i) + ".";
        auto linear = [&](const char* name, int64_t out, int64_t in) {
            return registerAt(*this, path + name, std::make_shared<Linear>(in, out, true, options));
        };
        Block block;
        block.norm1 = registerAt(*this, path + names.norm1, std::make_shared<LayerNorm>(w, kLayerNormEps, options));
        if (huggingFace) {
            block.q = linear(kHfProjections[0], w, w);
            block.k = linear(kHfProjections[1], w, w);
            block.v = linear(kHfProjections[2], w, w);
        } else {
            // nn.MultiheadAttention's fused parameters sit on the attn module itself.
            auto attention = registerAt(*this, path + "attn", std::make_shared<torch::nn::Module>());
            block.inProjWeight = registerEmpty(*attention, "in_proj_weight", {3 * w, w}, options);
            block.inProjBias = registerEmpty(*attention, "in_proj_bias", {3 * w}, options);
        }
        block.out = linear(names.outProj, w, w);
        block.norm2 = registerAt(*this, path + names.norm2, std::make_shared<LayerNorm>(w, kLayerNormEps, options));
        block.fc1 = linear(names.fc1, config.mlpWidth, w);
        block.fc2 = linear(names.fc2, w, config.mlpWidth);
        m_blocks.push_back(std::move(block));
    }
    m_finalNorm = registerAt(*this, names.finalNorm, std::make_shared<LayerNorm>(w, kLayerNormEps, options));
    if (config.projectionDim > 0)
        m_textProjection = registerEmpty(*this, kOpenClipProjection, {w, config.projectionDim}, options);
}

at::Tensor ClipTextModel::runBlock(const Block& block, const at::Tensor& x) const
{
    // x: [B, N, W]
    const at::Tensor h = block.norm1->forward(x);
    at::Tensor q, k, v; // [B, N, W] each
    if (block.q) {
        q = block.q->forward(h);
        k = block.k->forward(h);
        v = block.v->forward(h);
    } else {
        const std::vector<at::Tensor> qkv = at::linear(h, block.inProjWeight, block.inProjBias).chunk(3, -1);
        q = qkv[0];
        k = qkv[1];
        v = qkv[2];
    }
    const at::Tensor attended = x + block.out->forward(multiHeadAttention(q, k, v, m_config.heads, /*causal=*/true));
    at::Tensor m = block.fc1->forward(block.norm2->forward(attended)); // [B, N, mlpWidth]
    m = m_config.quickGelu ? m * at::sigmoid(1.702 * m) : at::gelu(m);
    return attended + block.fc2->forward(m); // [B, N, W]
}

ClipTextOutput ClipTextModel::encode(const at::Tensor& ids, int skipLayers, bool finalNorm) const
{
    const int64_t layers = int64_t(m_blocks.size());
    if (ids.dim() != 2 || ids.size(0) < 1 || ids.size(1) != m_config.positions
        || !at::isIntegralType(ids.scalar_type(), /*includeBool=*/false))
        throw Error(ErrorCode::InvalidArgument, "CLIP text encoder: token ids must be an integer tensor [batch, "
                                                    + std::to_string(m_config.positions) + "], got "
                                                    + std::string(c10::toString(ids.scalar_type())) + " "
                                                    + c10::str(ids.sizes()));
    if (skipLayers < 0 || skipLayers >= layers)
        throw Error(ErrorCode::InvalidArgument, "CLIP text encoder: cannot skip " + std::to_string(skipLayers)
                                                    + " of its " + std::to_string(layers) + " layers");
    const at::Tensor tokens = ids.to(m_tokenEmbedding->weight.device(), at::kLong); // [B, 77]
    const int64_t lowest = tokens.min().item<int64_t>(), highest = tokens.max().item<int64_t>();
    if (lowest < 0 || highest >= m_config.vocabSize)
        throw Error(ErrorCode::InvalidArgument, "CLIP text encoder: token id "
                                                    + std::to_string(lowest < 0 ? lowest : highest)
                                                    + " is outside its vocabulary of "
                                                    + std::to_string(m_config.vocabSize));

    // x: [B, 77, W]
    at::Tensor x = m_tokenEmbedding->forward(tokens) + m_positionEmbedding;
    // The pooled vector needs every block; without a projection stop early.
    const int64_t kept = layers - skipLayers;
    const int64_t run = m_textProjection.defined() ? layers : kept;
    at::Tensor hidden;
    for (int64_t i = 0; i < run; ++i) {
        if (i == kept)
            hidden = x;
        x = runBlock(m_blocks[size_t(i)], x);
    }
    if (kept == run)
        hidden = x;

    ClipTextOutput out;
    out.hidden = finalNorm ? m_finalNorm->forward(hidden) : hidden; // [B, 77, W]
    if (m_textProjection.defined()) {
        const at::Tensor last = kept == layers && finalNorm ? out.hidden : m_finalNorm->forward(x); // [B, 77, W]
        // The first end token: the largest id, so argmax finds it (padding may repeat it after).
        const at::Tensor endIndex = tokens.argmax(-1).view({-1, 1, 1}).expand({-1, 1, m_config.width}); // [B, 1, W]
        const at::Tensor endState = last.gather(1, endIndex).squeeze(1);                                  // [B, W]
        out.pooled = at::matmul(endState, m_textProjection); // [B, projectionDim]
    }
    return out;
}

} // namespace tessera::sd

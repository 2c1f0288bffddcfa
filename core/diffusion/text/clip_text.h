#pragma once
/// CLIP text transformers: OpenAI's ViT-L/14 (SD 1.x, SDXL's first encoder;
/// Hugging Face key names) and OpenCLIP's ViT-bigG/14 (SDXL's second encoder
/// and the refiner's only one; open_clip key names).
///
/// Both are the same network: token + position embeddings, pre-norm blocks
/// (x + attn(ln1(x)), x + mlp(ln2(x))) with causal self-attention, a final
/// LayerNorm (eps 1e-5 everywhere). They differ in key names, the MLP's
/// activation, and bigG's text_projection, which turns the end token's
/// final-normed state into the pooled vector SDXL conditions on.

#include "models/load_weights.h"
#include "models/loaders/weight_store.h"

#include "diffusion/nn/layers.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tessera::sd {

/// How the tensors of a text encoder are named in its file.
enum class ClipKeyLayout {
    HuggingFace, ///< text_model.encoder.layers.N.self_attn.q_proj.weight ... (SD 1.x cond_stage_model.transformer.)
    OpenClip,    ///< transformer.resblocks.N.attn.in_proj_weight ... (SDXL conditioner.embedders.N.model.)
};

/// Hyper-parameters of one text encoder; all read from tensor shapes.
struct ClipTextConfig {
    ClipKeyLayout layout = ClipKeyLayout::HuggingFace;
    int64_t vocabSize = 49408;
    int64_t positions = 77;
    int64_t width = 768;
    int64_t mlpWidth = 3072;   ///< hidden width of each block's MLP (4 * width in CLIP)
    int64_t layers = 12;
    int64_t heads = 12;        ///< width / 64 (one head below 64 wide)
    int64_t projectionDim = 0; ///< columns of text_projection (OpenCLIP); 0 = none
    bool quickGelu = true;     ///< ViT-L: x * sigmoid(1.702 x); bigG: exact GELU
};

/// Reads the config of the encoder whose keys start with `prefix`
/// ("cond_stage_model.transformer." / "conditioner.embedders.1.model.") from
/// shapes alone, and checks that every tensor the network needs is there with
/// the shape the config implies. Throws Error(UnsupportedModel) naming the key
/// when the layout is incomplete or inconsistent.
ClipTextConfig inferClipTextConfig(const WeightStore& store, const std::string& prefix, ClipKeyLayout layout);

/// What one encode() gives.
struct ClipTextOutput {
    at::Tensor hidden; ///< [B, 77, width]: the chosen layer's output
    at::Tensor pooled; ///< [B, projectionDim], or undefined without a text_projection
};

/// A CLIP text encoder whose parameters are named exactly as the layout's keys
/// (below the encoder's prefix), so loading is loadComponentWeights() (checkpoint.h).
class ClipTextModel : public torch::nn::Module {
public:
    /// Parameters are allocated uninitialised with `options` (dtype, device;
    /// at::kMeta for layout checks) and are meant to be filled by loading.
    ClipTextModel(const ClipTextConfig& config, const at::TensorOptions& options);

    /// ids: [B, positions] integer token ids (moved to the parameters' device).
    /// `skipLayers` blocks are left out at the end (0: the last layer's output,
    /// 1: the penultimate one ...); `finalNorm` applies final_layer_norm /
    /// ln_final to that output. pooled is final_layer_norm(output of all
    /// blocks) at the first end token (ids.argmax(-1): 49407 is the largest
    /// id) times text_projection. Runs in the parameters' dtype. Throws
    /// Error(InvalidArgument) for ids of another shape or type, ids outside the
    /// vocabulary, or skipLayers outside [0, layers).
    ClipTextOutput encode(const at::Tensor& ids, int skipLayers, bool finalNorm) const;

    const ClipTextConfig& config() const { return m_config; }

private:
    /// One pre-norm transformer block; members point into the module tree.
    struct Block {
        std::shared_ptr<LayerNorm> norm1, norm2;
        std::shared_ptr<Linear> q, k, v;      // Hugging Face: separate projections
        at::Tensor inProjWeight, inProjBias;  // OpenCLIP: fused [3W, W] and [3W]
        std::shared_ptr<Linear> out, fc1, fc2;
    };

    at::Tensor runBlock(const Block& block, const at::Tensor& x) const;

    ClipTextConfig m_config;
    std::shared_ptr<Embedding> m_tokenEmbedding;
    at::Tensor m_positionEmbedding; // [positions, W]
    std::vector<Block> m_blocks;
    std::shared_ptr<LayerNorm> m_finalNorm;
    at::Tensor m_textProjection; // [W, projectionDim] used as x @ P; undefined without one
};

} // namespace tessera::sd

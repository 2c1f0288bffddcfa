#pragma once
/// CLIP text transformers: OpenAI's ViT-L/14 (SD 1.x, SDXL's first encoder;
/// Hugging Face key names) and OpenCLIP's ViT-bigG/14 (SDXL's second encoder
/// and the refiner's only one; open_clip key names).

#include "models/loaders/weight_store.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <string>

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
    int64_t layers = 12;
    int64_t heads = 12;        ///< width / 64 (one head below 64 wide)
    int64_t projectionDim = 0; ///< columns of text_projection (OpenCLIP); 0 = none
    bool quickGelu = true;     ///< ViT-L: x * sigmoid(1.702 x); bigG: exact GELU
};

/// Reads the config of the encoder whose keys start with `prefix`
/// ("cond_stage_model.transformer." / "conditioner.embedders.1.model.") from
/// shapes alone. Throws Error(UnsupportedModel) naming the key when the
/// layout is incomplete or inconsistent.
ClipTextConfig inferClipTextConfig(const WeightStore& store, const std::string& prefix, ClipKeyLayout layout);

} // namespace tessera::sd

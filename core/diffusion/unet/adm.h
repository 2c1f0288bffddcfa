#pragma once
/// SDXL's "ADM" vector y, the UNet's label_emb input: the pooled text
/// embedding followed by 256-dim sinusoidal embeddings of the size and crop
/// numbers (sgm ConcatTimestepEmbedderND, in the conditioner order of
/// sd_xl_base.yaml / sd_xl_refiner.yaml).

#include <ATen/ATen.h>

#include <cstdint>

namespace tessera::sd {

/// Width of each number's embedding (ConcatTimestepEmbedderND outdim).
constexpr int64_t kSdxlAdmEmbeddingDim = 256;
/// The refiner's aesthetic score for the positive / negative prompt (sgm's
/// and ComfyUI's defaults).
constexpr double kSdxlRefinerPositiveAestheticScore = 6.0;
constexpr double kSdxlRefinerNegativeAestheticScore = 2.5;

/// The base model's micro-conditioning, in pixels.
struct SdxlSizeConditioning {
    int64_t originalHeight = 1024, originalWidth = 1024;
    int64_t cropTop = 0, cropLeft = 0;
    int64_t targetHeight = 1024, targetWidth = 1024;
};

/// The refiner's micro-conditioning: no target size, an aesthetic score instead.
struct SdxlRefinerConditioning {
    int64_t originalHeight = 1024, originalWidth = 1024;
    int64_t cropTop = 0, cropLeft = 0;
    double aestheticScore = kSdxlRefinerPositiveAestheticScore;
};

/// pooled: [B, P] -> [B, P + 6 * 256]: pooled, then the embeddings of
/// (original h, w), (crop top, left), (target h, w); in pooled's dtype and device.
at::Tensor sdxlBaseAdm(const at::Tensor& pooled, const SdxlSizeConditioning& sizes);

/// pooled: [B, P] -> [B, P + 5 * 256]: pooled, then the embeddings of
/// (original h, w), (crop top, left), aesthetic score; in pooled's dtype and device.
at::Tensor sdxlRefinerAdm(const at::Tensor& pooled, const SdxlRefinerConditioning& conditioning);

} // namespace tessera::sd

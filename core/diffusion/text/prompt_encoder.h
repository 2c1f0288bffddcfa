#pragma once
/// Prompts to the conditioning the UNets take, as ComfyUI computes it
/// (comfy/sd1_clip.py encode_token_weights, comfy/sdxl_clip.py).
///
/// Shared rules: the prompt is tokenized into 77-token windows
/// (tokenizePrompt, prompt_weights.h); all windows go through the encoder in
/// one batch and their outputs are concatenated along the token axis, so the
/// context has 77 * windows tokens. When some token's weight w is not 1 the
/// empty prompt's window (start, end, padding) is encoded in the same batch and
/// each such token becomes z_empty + w * (z - z_empty), with z_empty the empty
/// window's output at the same position; tokens of weight 1 keep their
/// encoding, so an unweighted prompt encodes exactly as plain text. The pooled
/// vector is the first window's and ignores weights. Results are fp32 (as
/// ComfyUI's) on the encoders' device; both SDXL encoders must be on one device.

#include "diffusion/text/clip_text.h"
#include "diffusion/tokenizer/clip_bpe.h"

#include <ATen/ATen.h>

#include <string>

namespace tessera::sd {

/// What the UNet is conditioned on.
struct TextConditioning {
    at::Tensor context; ///< [1, 77 * windows, channels] fp32: cross-attention context
    at::Tensor pooled;  ///< [1, projectionDim] fp32 (SDXL: bigG's), undefined for SD 1.x
};

/// SD 1.x: CLIP ViT-L, windows padded with the end token. `clipSkip` 1 takes
/// the last layer, 2 the penultimate one ...; the final layer norm is applied
/// in every case (as ComfyUI and A1111 do for SD 1.x). context [1, 77 * windows,
/// 768]. Throws Error(InvalidArgument) for a clip skip outside 1..layers.
TextConditioning encodeSd1(const ClipTextModel& clipL, const ClipTokenizer& tokenizer, const std::string& prompt,
                           int clipSkip = 1);

/// SDXL base: the penultimate layers of CLIP ViT-L (end-token padding) and of
/// OpenCLIP bigG (zero padding), both without the final norm, concatenated
/// along channels: context [1, 77 * windows, 768 + 1280]; pooled [1, 1280]
/// from bigG. `promptL` goes to ViT-L and `promptG` to bigG; when their
/// window counts differ the shorter one is padded with empty-prompt windows
/// (ComfyUI's CLIPTextEncodeSDXL). Throws Error(InvalidArgument) when clipG
/// has no text_projection.
TextConditioning encodeSdxl(const ClipTextModel& clipL, const ClipTextModel& clipG, const ClipTokenizer& tokenizer,
                            const std::string& promptL, const std::string& promptG);

/// SDXL base with one prompt for both encoders.
TextConditioning encodeSdxl(const ClipTextModel& clipL, const ClipTextModel& clipG, const ClipTokenizer& tokenizer,
                            const std::string& prompt);

/// SDXL refiner: OpenCLIP bigG alone, penultimate layer without the final
/// norm: context [1, 77 * windows, 1280]; pooled [1, 1280]. Throws
/// Error(InvalidArgument) when clipG has no text_projection.
TextConditioning encodeSdxlRefiner(const ClipTextModel& clipG, const ClipTokenizer& tokenizer,
                                   const std::string& prompt);

} // namespace tessera::sd

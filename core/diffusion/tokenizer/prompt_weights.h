#pragma once
/// Prompts as ComfyUI reads them (comfy/sd1_clip.py: token_weights,
/// parse_parentheses, escape_important, SDTokenizer.tokenize_with_weights):
/// `(text:1.2)` sets a weight, `(text)` multiplies it by 1.1 and nesting
/// multiplies again, `\(` and `\)` are literal parentheses, `[text]` is plain
/// text. Long prompts become several 77-token windows, split at 75 tokens.
///
/// How the text encoder uses the weights (ComfyUI's encode_token_weights):
/// every window is encoded, and so is the empty prompt's window; a token of
/// weight w != 1 becomes `z_empty + w * (z - z_empty)` with z_empty the empty
/// prompt's output at the same position; tokens of weight 1 are left as
/// encoded, so an unweighted prompt encodes exactly as plain text. The windows'
/// outputs are concatenated along the token axis.

#include "diffusion/tokenizer/clip_bpe.h"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::sd {

constexpr int kClipWindowLength = 77; ///< start + 75 tokens + end
constexpr int kClipChunkTokens = 75;  ///< prompt tokens per window

/// A piece of prompt text and its weight.
struct WeightedText {
    std::string text; ///< with `\(` and `\)` already turned into `(` and `)`
    double weight = 1.0;
};

/// Splits a prompt into weighted pieces exactly as ComfyUI's token_weights.
std::vector<WeightedText> parsePromptWeights(std::string_view prompt);

/// What fills a window after its end token.
enum class ClipPadding {
    EndToken, ///< SD 1.x CLIP-L (and SDXL's CLIP-L)
    Zero,     ///< SDXL's OpenCLIP bigG
};

/// A prompt as CLIP input windows.
struct TokenizedPrompt {
    std::vector<std::array<int, kClipWindowLength>> ids;       ///< one window per chunk
    std::vector<std::array<float, kClipWindowLength>> weights; ///< 1 for start, end and padding
    std::vector<int> tokenCounts;                              ///< prompt tokens per window (of 75)

    /// True when some token's weight is not 1 (the encoder then needs the empty prompt).
    bool hasWeights() const;
};

/// Tokenizes a prompt as ComfyUI's SDTokenizer.tokenize_with_weights: each
/// space- or newline-separated word is one group of tokens; a group that does
/// not fit in the current window moves whole to the next one, unless it has 8
/// or more tokens, then it is split at the window's end. The empty prompt
/// gives one window (start, end, padding). Throws Error(InvalidArgument) for
/// ComfyUI's `embedding:NAME` words: textual inversion is not supported.
TokenizedPrompt tokenizePrompt(const ClipTokenizer& tokenizer, std::string_view prompt, ClipPadding padding);

} // namespace tessera::sd

#include "diffusion/text/prompt_encoder.h"

#include "common/error.h"
#include "diffusion/tokenizer/prompt_weights.h"

#include <algorithm>
#include <vector>

namespace tessera::sd {
namespace {

/// Appends empty-prompt windows until `prompt` has `windows` of them.
void padWithEmptyWindows(TokenizedPrompt& prompt, size_t windows, const ClipTokenizer& tokenizer, ClipPadding padding)
{
    if (prompt.ids.size() >= windows)
        return;
    const TokenizedPrompt empty = tokenizePrompt(tokenizer, "", padding);
    while (prompt.ids.size() < windows) {
        prompt.ids.push_back(empty.ids[0]);
        prompt.weights.push_back(empty.weights[0]);
        prompt.tokenCounts.push_back(0);
    }
}

/// One encoder's conditioning for a tokenized prompt (the rules in the header).
TextConditioning encodeWindows(const ClipTextModel& model, const ClipTokenizer& tokenizer,
                               const TokenizedPrompt& prompt, ClipPadding padding, int skipLayers, bool finalNorm)
{
    const int64_t windows = int64_t(prompt.ids.size());
    const bool weighted = prompt.hasWeights();
    // Rows: the windows, then the empty prompt's window when weights need it.
    std::vector<int64_t> idRows;
    std::vector<float> weightRows;
    for (size_t i = 0; i < prompt.ids.size(); ++i) {
        idRows.insert(idRows.end(), prompt.ids[i].begin(), prompt.ids[i].end());
        weightRows.insert(weightRows.end(), prompt.weights[i].begin(), prompt.weights[i].end());
    }
    if (weighted) {
        const TokenizedPrompt empty = tokenizePrompt(tokenizer, "", padding);
        idRows.insert(idRows.end(), empty.ids[0].begin(), empty.ids[0].end());
    }
    const int64_t rows = int64_t(idRows.size()) / kClipWindowLength;
    const at::Tensor ids = at::tensor(idRows, at::kLong).view({rows, kClipWindowLength}); // [rows, 77]

    const ClipTextOutput encoded = model.encode(ids, skipLayers, finalNorm);
    const at::Tensor all = encoded.hidden.to(at::kFloat); // [rows, 77, W]
    at::Tensor z = all.narrow(0, 0, windows);              // [windows, 77, W]
    if (weighted) {
        const at::Tensor zEmpty = all.narrow(0, windows, 1); // [1, 77, W]
        const at::Tensor w = at::tensor(weightRows, at::kFloat).view({windows, kClipWindowLength, 1}).to(z.device());
        // ComfyUI's (z - z_empty) * w + z_empty, only where w != 1.
        z = at::where(w != 1.0f, (z - zEmpty) * w + zEmpty, z);
    }
    TextConditioning out;
    out.context = z.reshape({1, windows * kClipWindowLength, z.size(2)}); // [1, 77 * windows, W]
    if (encoded.pooled.defined())
        out.pooled = encoded.pooled.narrow(0, 0, 1).to(at::kFloat); // [1, P]: the first window's
    return out;
}

void requireProjection(const ClipTextModel& clipG, const char* family)
{
    if (clipG.config().projectionDim <= 0)
        throw Error(ErrorCode::InvalidArgument,
                    std::string(family) + ": the OpenCLIP text encoder has no text_projection for the pooled vector");
}

} // namespace

TextConditioning encodeSd1(const ClipTextModel& clipL, const ClipTokenizer& tokenizer, const std::string& prompt,
                           int clipSkip)
{
    const int64_t layers = clipL.config().layers;
    if (clipSkip < 1 || clipSkip > layers)
        throw Error(ErrorCode::InvalidArgument,
                    "clip skip " + std::to_string(clipSkip) + " is outside 1.." + std::to_string(layers));
    const TokenizedPrompt tokens = tokenizePrompt(tokenizer, prompt, ClipPadding::EndToken);
    return encodeWindows(clipL, tokenizer, tokens, ClipPadding::EndToken, clipSkip - 1, /*finalNorm=*/true);
}

TextConditioning encodeSdxl(const ClipTextModel& clipL, const ClipTextModel& clipG, const ClipTokenizer& tokenizer,
                            const std::string& promptL, const std::string& promptG)
{
    requireProjection(clipG, "SDXL");
    TokenizedPrompt tokensL = tokenizePrompt(tokenizer, promptL, ClipPadding::EndToken);
    TokenizedPrompt tokensG = tokenizePrompt(tokenizer, promptG, ClipPadding::Zero);
    const size_t windows = std::max(tokensL.ids.size(), tokensG.ids.size());
    padWithEmptyWindows(tokensL, windows, tokenizer, ClipPadding::EndToken);
    padWithEmptyWindows(tokensG, windows, tokenizer, ClipPadding::Zero);

    const TextConditioning l = encodeWindows(clipL, tokenizer, tokensL, ClipPadding::EndToken, 1, /*finalNorm=*/false);
    const TextConditioning g = encodeWindows(clipG, tokenizer, tokensG, ClipPadding::Zero, 1, /*finalNorm=*/false);
    return {at::cat({l.context, g.context}, -1), g.pooled}; // [1, 77 * windows, 768 + 1280], [1, 1280]
}

TextConditioning encodeSdxl(const ClipTextModel& clipL, const ClipTextModel& clipG, const ClipTokenizer& tokenizer,
                            const std::string& prompt)
{
    return encodeSdxl(clipL, clipG, tokenizer, prompt, prompt);
}

TextConditioning encodeSdxlRefiner(const ClipTextModel& clipG, const ClipTokenizer& tokenizer,
                                   const std::string& prompt)
{
    requireProjection(clipG, "SDXL refiner");
    const TokenizedPrompt tokens = tokenizePrompt(tokenizer, prompt, ClipPadding::Zero);
    return encodeWindows(clipG, tokenizer, tokens, ClipPadding::Zero, 1, /*finalNorm=*/false);
}

} // namespace tessera::sd

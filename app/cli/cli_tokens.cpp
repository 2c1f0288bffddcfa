// tessera-cli tokens: the CLIP token ids of a prompt per 77-token window and
// the token count per chunk (of 75), as ComfyUI splits and weights it.

#include "cli/commands.h"

#include "diffusion/tokenizer/prompt_weights.h"
#include "diffusion/tokenizer/vocab_locator.h"

#include <cstdio>
#include <iostream>
#include <string>

namespace tessera::cli {
namespace {

const char* kTokensUsage = R"usage(Usage: tessera-cli tokens "PROMPT" [--vocab DIR|FILE] [--pad-zero] [--show]
Tokenizes PROMPT with the CLIP tokenizer as ComfyUI does ((text:1.2), (text),
\( \) literal, windows of 75 tokens) and prints per 77-token window its ids
and "chunk N: K tokens (of 75)".

Options:
  --vocab DIR|FILE  the CLIP vocabulary: a folder with vocab.json + merges.txt
                    or bpe_simple_vocab_16e6.txt.gz, or one of those files
                    (default: $TESSERA_CLIP_VOCAB, the Hugging Face cache,
                    ComfyUI, ~/.local/share/tessera/clip)
  --pad-zero        pad with 0 (SDXL's OpenCLIP bigG) instead of the end token
  --show            also print each token's vocabulary string and weight
)usage";

struct TokensOptions {
    std::string prompt;
    std::string vocab;
    bool padZero = false;
    bool show = false;
};

TokensOptions parseTokensArgs(const Args& args)
{
    TokensOptions options;
    bool havePrompt = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--vocab") {
            if (i + 1 >= args.size())
                throw UsageError{"--vocab needs a folder or file"};
            options.vocab = args[++i];
        } else if (arg == "--pad-zero") {
            options.padZero = true;
        } else if (arg == "--show") {
            options.show = true;
        } else if (arg.size() > 1 && arg[0] == '-' && arg[1] == '-') {
            throw UsageError{"unknown option '" + arg + "'"};
        } else if (havePrompt) {
            throw UsageError{"one prompt only (quote it): tessera-cli tokens \"PROMPT\""};
        } else {
            options.prompt = arg;
            havePrompt = true;
        }
    }
    if (!havePrompt)
        throw UsageError{"usage: tessera-cli tokens \"PROMPT\" [--vocab DIR|FILE] [--pad-zero] [--show]"};
    return options;
}

} // namespace

int runTokens(const Args& args)
{
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        std::cout << kTokensUsage;
        return kExitOk;
    }
    const TokensOptions options = parseTokensArgs(args);
    const sd::ClipTokenizer tokenizer = sd::loadClipTokenizer(sd::findClipVocabulary("", options.vocab));
    const sd::ClipPadding padding = options.padZero ? sd::ClipPadding::Zero : sd::ClipPadding::EndToken;
    const sd::TokenizedPrompt prompt = sd::tokenizePrompt(tokenizer, options.prompt, padding);
    int total = 0;
    for (size_t chunk = 0; chunk < prompt.ids.size(); ++chunk) {
        const int count = prompt.tokenCounts[chunk];
        total += count;
        std::cout << "chunk " << chunk + 1 << ": " << count << " tokens (of " << sd::kClipChunkTokens << ")\n";
        // The ids through the end token, then the padding as a count.
        const int used = count + 2;
        for (int i = 0; i < used; ++i)
            std::cout << (i ? " " : "") << prompt.ids[chunk][size_t(i)];
        const int padCount = sd::kClipWindowLength - used;
        if (padCount > 0)
            std::cout << " + " << padCount << " x " << prompt.ids[chunk][size_t(used)];
        std::cout << "\n";
        if (options.show) {
            for (int i = 1; i <= count; ++i) {
                char weight[32];
                std::snprintf(weight, sizeof weight, "%.4g", double(prompt.weights[chunk][size_t(i)]));
                const int id = prompt.ids[chunk][size_t(i)];
                std::cout << "  " << id << "  " << tokenizer.tokenString(id) << "  " << weight << "\n";
            }
        }
    }
    std::cout << "total: " << total << " tokens in " << prompt.ids.size()
              << (prompt.ids.size() == 1 ? " chunk\n" : " chunks\n");
    return kExitOk;
}

} // namespace tessera::cli

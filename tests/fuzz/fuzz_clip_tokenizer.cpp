// Prompts of any bytes: ComfyUI's weight syntax, then CLIP's BPE with the real
// vocabulary (TESSERA_CLIP_VOCAB: bpe_simple_vocab_16e6.txt.gz), ids in range.
#include "fuzz_support.h"

#include "diffusion/tokenizer/clip_bpe.h"
#include "diffusion/tokenizer/prompt_weights.h"

#include <cstdlib>

namespace {

const tessera::sd::ClipTokenizer& tokenizer()
{
    static const tessera::sd::ClipTokenizer loaded = [] {
        const char* path = std::getenv("TESSERA_CLIP_VOCAB");
        if (!path)
            std::abort(); // scripts/fuzz.sh sets it
        return tessera::sd::ClipTokenizer::fromBpeGz(path);
    }();
    return loaded;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace tessera;
    using namespace tessera::sd;
    const std::string prompt = fuzz::text(data, size);
    return fuzz::refusalsAreErrors([&] {
        for (const WeightedText& part : parsePromptWeights(prompt))
            for (int id : tokenizer().encode(part.text))
                if (id < 0 || id >= tokenizer().vocabularySize())
                    std::abort();
    });
}

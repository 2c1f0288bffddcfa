#pragma once
/// Finds the CLIP vocabulary at run time (the project ships none): an explicit
/// path, $TESSERA_CLIP_VOCAB, beside the checkpoint, the Hugging Face cache,
/// ComfyUI installs and Tessera's own data folder.

#include "diffusion/tokenizer/clip_bpe.h"

#include <string>

namespace tessera::sd {

/// The files of one CLIP vocabulary: vocab.json + merges.txt, or OpenAI's gz.
struct ClipVocabularyFiles {
    std::string vocabJson; ///< empty when bpeGz is set
    std::string mergesTxt; ///< empty when bpeGz is set
    std::string bpeGz;     ///< bpe_simple_vocab_16e6.txt.gz, empty when vocabJson is set
};

/// Searches, in this order, and returns the first place that holds the files:
///  1. `settingsPath` (a folder or one of the files), when not empty;
///  2. $TESSERA_CLIP_VOCAB (the same), when set;
///  3. beside `checkpointPath` (a file or a diffusers folder), when not empty:
///     its `tokenizer/`, `tokenizer_2/`, its folder, and `../tokenizer/` for a
///     file inside a diffusers folder;
///  4. the Hugging Face hub cache ($HF_HUB_CACHE, $HF_HOME/hub or
///     ~/.cache/huggingface/hub): snapshots of openai/clip-vit-large-patch14
///     and laion/CLIP-ViT-bigG-14-laion2B-39B-b160k (the same vocabulary);
///  5. ComfyUI's `comfy/sd1_tokenizer/` in the folder above the checkpoint's
///     `models` folder, ~/ComfyUI and ~/comfyui;
///  6. ~/.local/share/tessera/clip/.
/// An explicit path (1, 2) that holds no vocabulary throws
/// Error(InvalidArgument); finding none at all throws Error(Io) whose message
/// says which files to put where and lists every place searched.
ClipVocabularyFiles findClipVocabulary(const std::string& checkpointPath, const std::string& settingsPath);

/// Loads the tokenizer from found files (errors as ClipTokenizer's loaders).
ClipTokenizer loadClipTokenizer(const ClipVocabularyFiles& files);

} // namespace tessera::sd

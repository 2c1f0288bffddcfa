#pragma once
/// CLIP's byte-level BPE tokenizer (the one of OpenAI's CLIP and of Hugging
/// Face's CLIPTokenizer), loaded from `vocab.json` + `merges.txt` or from
/// OpenAI's `bpe_simple_vocab_16e6.txt.gz`; both give the same ids.
///
/// Encoding: clean-up (whitespace runs to one space, ends stripped, lower
/// case), CLIP's pre-tokenizer pattern, each piece's UTF-8 bytes through the
/// byte-to-unicode table, BPE by merge rank with "</w>" on the piece's last
/// symbol. Not done: ftfy's mojibake repair and HTML entity unescaping.

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tessera::sd {

constexpr int kClipStartToken = 49406; ///< "<|startoftext|>"
constexpr int kClipEndToken = 49407;   ///< "<|endoftext|>"

class ClipTokenizer {
public:
    /// Hugging Face files (a diffusers `tokenizer/` folder, the hub cache).
    /// Throws Error(Io) when a file cannot be read, Error(InvalidModel) when
    /// its content is not a CLIP vocabulary.
    static ClipTokenizer fromVocabAndMerges(const std::string& vocabPath, const std::string& mergesPath);

    /// OpenAI's `bpe_simple_vocab_16e6.txt.gz`; the vocabulary is built as
    /// OpenAI's CLIP builds it. Errors as fromVocabAndMerges.
    static ClipTokenizer fromBpeGz(const std::string& path);

    ClipTokenizer(ClipTokenizer&&) noexcept;
    ClipTokenizer& operator=(ClipTokenizer&&) noexcept;
    ~ClipTokenizer();

    /// The token ids of `text`, without start and end tokens. Thread-safe.
    std::vector<int> encode(std::string_view text) const;

    /// The id of the vocabulary entry `word` + "</w>" taken as it is (no
    /// clean-up, no byte encoding), or -1: ComfyUI looks each word up this way
    /// before it tokenizes it.
    int wholeWordToken(std::string_view word) const;

    /// The vocabulary entry of `id` as vocab.json spells it ("cat</w>"), for
    /// debugging output; "<unknown>" outside the vocabulary.
    std::string tokenString(int id) const;

    int vocabularySize() const { return static_cast<int>(m_tokens.size()); }
    int startToken() const { return m_startToken; }
    int endToken() const { return m_endToken; }

private:
    struct Cache;
    ClipTokenizer(std::vector<std::string> tokens, const std::vector<std::string>& merges, const std::string& source);
    std::vector<int> encodePiece(const std::string& piece) const;

    std::vector<std::string> m_tokens;             // id -> byte-unicode string
    std::unordered_map<std::string, int> m_ids;     // byte-unicode string -> id
    std::unordered_map<std::string, int> m_ranks;   // "first second" -> merge rank
    int m_startToken = -1;
    int m_endToken = -1;
    std::unique_ptr<Cache> m_cache;
};

} // namespace tessera::sd

// CLIP byte-level BPE: follows OpenAI's clip/simple_tokenizer.py, which
// Hugging Face's CLIPTokenizer repeats (same pattern, same merge limit).

#include "diffusion/tokenizer/clip_bpe.h"

#include "common/error.h"
#include "common/regular_file.h"
#include "diffusion/tokenizer/clip_unicode.h"

#include <nlohmann/json.hpp>
#include <zlib.h>

#include <array>
#include <limits>
#include <mutex>
#include <sstream>

namespace tessera::sd {
namespace {

// CLIP has 49408 ids: 256 byte symbols, the same with "</w>", 48894 merges
// and the two special tokens; both sources take merge lines 1..48894 of the
// file (line 0 is "#version"), as `merges[1:49152-256-2+1]` in CLIP.
constexpr size_t kMergeCount = 49152 - 256 - 2;
constexpr size_t kMaxCachedPieces = 50000;
constexpr const char* kWordEnd = "</w>";

/// GPT-2's bytes_to_unicode: printable bytes map to themselves, the others to
/// code points from 256 on, so that every byte is a visible character.
/// Returned in CLIP's vocabulary order (printable bytes first).
std::vector<std::pair<int, std::string>> byteUnicodeTable()
{
    std::vector<std::pair<int, std::string>> table;
    std::array<bool, 256> printable{};
    for (int b = 0; b < 256; ++b)
        printable[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    auto add = [&](int byte, char32_t codePoint) {
        std::string s;
        detail::appendUtf8(s, codePoint);
        table.emplace_back(byte, s);
    };
    for (int b = 0; b < 256; ++b)
        if (printable[b])
            add(b, char32_t(b));
    int next = 256;
    for (int b = 0; b < 256; ++b)
        if (!printable[b])
            add(b, char32_t(next++));
    return table;
}

const std::array<std::string, 256>& byteEncoder()
{
    static const std::array<std::string, 256> encoder = [] {
        std::array<std::string, 256> out;
        for (const auto& [byte, text] : byteUnicodeTable())
            out[byte] = text;
        return out;
    }();
    return encoder;
}

/// Vocabulary files are a few MB; a larger one is not a vocabulary.
constexpr uint64_t kMaxVocabularyBytes = uint64_t(64) << 20;

std::string readTextFile(const std::string& path)
{
    return readRegularFile(path, kMaxVocabularyBytes); // a FIFO or device is refused, not read forever
}

std::string readGzipFile(const std::string& path)
{
    requireRegularFile(path); // gzopen would block on a FIFO
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file)
        throw Error(ErrorCode::Io, "cannot open " + path);
    std::string out;
    std::array<char, 1 << 16> buffer;
    int count = 0;
    while ((count = gzread(file, buffer.data(), unsigned(buffer.size()))) > 0)
        out.append(buffer.data(), size_t(count));
    int status = Z_OK;
    const std::string message = count < 0 ? gzerror(file, &status) : "";
    gzclose(file);
    if (count < 0)
        throw Error(ErrorCode::InvalidModel, path + " is not a readable gzip file: " + message);
    return out;
}

/// Merge lines 1..kMergeCount of a merges file ("first second" each).
std::vector<std::string> mergeLines(const std::string& content, const std::string& path)
{
    std::vector<std::string> merges;
    std::istringstream lines(content);
    std::string line;
    std::getline(lines, line); // "#version: 0.2"
    while (merges.size() < kMergeCount && std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        const size_t space = line.find(' ');
        if (space == std::string::npos || space == 0 || space + 1 == line.size())
            throw Error(ErrorCode::InvalidModel,
                        path + ": merge line " + std::to_string(merges.size() + 2) + " is not two symbols");
        merges.push_back(line);
    }
    if (merges.size() < kMergeCount)
        throw Error(ErrorCode::InvalidModel, path + " holds " + std::to_string(merges.size()) +
                                                 " merges; a CLIP vocabulary has " + std::to_string(kMergeCount));
    return merges;
}

} // namespace

struct ClipTokenizer::Cache {
    std::mutex mutex;
    std::unordered_map<std::string, std::vector<int>> pieces;
};

ClipTokenizer::ClipTokenizer(std::vector<std::string> tokens, const std::vector<std::string>& merges,
                             const std::string& source)
    : m_tokens(std::move(tokens)), m_cache(std::make_unique<Cache>())
{
    m_ids.reserve(m_tokens.size());
    for (size_t id = 0; id < m_tokens.size(); ++id)
        m_ids.emplace(m_tokens[id], int(id));
    m_ranks.reserve(merges.size());
    for (size_t rank = 0; rank < merges.size(); ++rank)
        m_ranks.emplace(merges[rank], int(rank));
    const auto start = m_ids.find("<|startoftext|>");
    const auto end = m_ids.find("<|endoftext|>");
    if (start == m_ids.end() || end == m_ids.end())
        throw Error(ErrorCode::InvalidModel, source + " lacks the tokens <|startoftext|> and <|endoftext|>");
    m_startToken = start->second;
    m_endToken = end->second;
    for (const std::string& byteText : byteEncoder())
        if (!m_ids.count(byteText) || !m_ids.count(byteText + kWordEnd))
            throw Error(ErrorCode::InvalidModel, source + " lacks byte tokens: not a byte-level CLIP vocabulary");
}

ClipTokenizer::ClipTokenizer(ClipTokenizer&&) noexcept = default;
ClipTokenizer& ClipTokenizer::operator=(ClipTokenizer&&) noexcept = default;
ClipTokenizer::~ClipTokenizer() = default;

ClipTokenizer ClipTokenizer::fromVocabAndMerges(const std::string& vocabPath, const std::string& mergesPath)
{
    nlohmann::json vocab;
    try {
        vocab = nlohmann::json::parse(readTextFile(vocabPath));
    } catch (const nlohmann::json::exception& e) {
        throw Error(ErrorCode::InvalidModel, vocabPath + " is not valid JSON: " + e.what());
    }
    if (!vocab.is_object() || vocab.empty())
        throw Error(ErrorCode::InvalidModel, vocabPath + " is not a JSON object of token -> id");
    std::vector<std::string> tokens(vocab.size());
    std::vector<bool> seen(vocab.size(), false);
    for (const auto& [token, id] : vocab.items()) {
        if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() >= int64_t(tokens.size()) ||
            seen[id.get<size_t>()])
            throw Error(ErrorCode::InvalidModel,
                        vocabPath + ": the ids are not 0.." + std::to_string(tokens.size() - 1) + " once each");
        tokens[id.get<size_t>()] = token;
        seen[id.get<size_t>()] = true;
    }
    return ClipTokenizer(std::move(tokens), mergeLines(readTextFile(mergesPath), mergesPath), vocabPath);
}

ClipTokenizer ClipTokenizer::fromBpeGz(const std::string& path)
{
    std::vector<std::string> merges = mergeLines(readGzipFile(path), path);
    // OpenAI's order: the 256 byte symbols, the same with "</w>", the merged
    // pairs in rank order, then the two special tokens.
    std::vector<std::string> tokens;
    tokens.reserve(2 * 256 + merges.size() + 2);
    for (const auto& entry : byteUnicodeTable())
        tokens.push_back(entry.second);
    for (size_t i = 0; i < 256; ++i)
        tokens.push_back(tokens[i] + kWordEnd);
    for (const std::string& merge : merges) {
        const size_t space = merge.find(' ');
        tokens.push_back(merge.substr(0, space) + merge.substr(space + 1));
    }
    tokens.push_back("<|startoftext|>");
    tokens.push_back("<|endoftext|>");
    return ClipTokenizer(std::move(tokens), merges, path);
}

std::vector<int> ClipTokenizer::encode(std::string_view text) const
{
    std::vector<int> ids;
    for (const std::string& piece : detail::splitClipPieces(detail::cleanClipText(text))) {
        std::vector<int> pieceIds;
        {
            std::lock_guard lock(m_cache->mutex);
            if (const auto hit = m_cache->pieces.find(piece); hit != m_cache->pieces.end())
                pieceIds = hit->second;
        }
        if (pieceIds.empty()) {
            pieceIds = encodePiece(piece);
            std::lock_guard lock(m_cache->mutex);
            // A bound on memory for long sessions; prompts repeat few pieces.
            if (m_cache->pieces.size() >= kMaxCachedPieces)
                m_cache->pieces.clear();
            m_cache->pieces.emplace(piece, pieceIds);
        }
        ids.insert(ids.end(), pieceIds.begin(), pieceIds.end());
    }
    return ids;
}

std::vector<int> ClipTokenizer::encodePiece(const std::string& piece) const
{
    // The special tokens are pieces of their own (CLIP seeds its cache with them).
    if (piece == "<|startoftext|>")
        return {m_startToken};
    if (piece == "<|endoftext|>")
        return {m_endToken};
    std::vector<std::string> word;
    for (unsigned char byte : piece)
        word.push_back(byteEncoder()[byte]);
    word.back() += kWordEnd;
    // Merge the lowest-ranked adjacent pair, every occurrence left to right,
    // until no adjacent pair is a merge.
    while (word.size() > 1) {
        int bestRank = std::numeric_limits<int>::max();
        std::string best;
        for (size_t i = 0; i + 1 < word.size(); ++i) {
            const auto it = m_ranks.find(word[i] + ' ' + word[i + 1]);
            if (it != m_ranks.end() && it->second < bestRank) {
                bestRank = it->second;
                best = it->first;
            }
        }
        if (best.empty())
            break;
        const size_t space = best.find(' ');
        const std::string first = best.substr(0, space);
        const std::string second = best.substr(space + 1);
        std::vector<std::string> merged;
        merged.reserve(word.size());
        for (size_t i = 0; i < word.size(); ++i) {
            if (i + 1 < word.size() && word[i] == first && word[i + 1] == second) {
                merged.push_back(first + second);
                ++i;
            } else {
                merged.push_back(word[i]);
            }
        }
        word = std::move(merged);
    }
    std::vector<int> ids;
    ids.reserve(word.size());
    for (const std::string& symbol : word) {
        const auto it = m_ids.find(symbol);
        if (it == m_ids.end())
            throw Error(ErrorCode::InvalidModel, "the CLIP vocabulary lacks the merged symbol '" + symbol + "'");
        ids.push_back(it->second);
    }
    return ids;
}

int ClipTokenizer::wholeWordToken(std::string_view word) const
{
    const auto it = m_ids.find(std::string(word) + kWordEnd);
    return it == m_ids.end() ? -1 : it->second;
}

std::string ClipTokenizer::tokenString(int id) const
{
    return id >= 0 && id < vocabularySize() ? m_tokens[size_t(id)] : "<unknown>";
}

} // namespace tessera::sd

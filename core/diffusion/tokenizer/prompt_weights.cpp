// ComfyUI's prompt syntax and window splitting, rule for rule from
// comfy/sd1_clip.py (parse_parentheses, token_weights, escape_important,
// unescape_important, SDTokenizer.tokenize_with_weights). The text is handled
// as UTF-8 bytes: the syntax characters are ASCII and never occur inside a
// multi-byte character, so byte positions give the same splits as Python's
// code-point positions.

#include "diffusion/tokenizer/prompt_weights.h"

#include "common/error.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

namespace tessera::sd {
namespace {

// escape_important: "\)" and "\(" become two-byte markers that the parser
// does not see as parentheses; unescape_important turns them into "(" / ")".
const std::string kEscapedClose("\0\1", 2);
const std::string kEscapedOpen("\0\2", 2);
constexpr int kMaxWordLength = 8; // ComfyUI's max_word_length

std::string replaceAll(std::string text, const std::string& from, const std::string& to)
{
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

/// parse_parentheses: top-level items, each either plain text or one
/// parenthesised group with its parentheses. An unmatched ")" drives the
/// level below zero and stays text; an unclosed "(" starts an item that
/// runs to the end.
std::vector<std::string> parseParentheses(const std::string& text)
{
    std::vector<std::string> result;
    std::string current;
    int nesting = 0;
    for (char c : text) {
        if (c == '(') {
            if (nesting == 0) {
                if (!current.empty())
                    result.push_back(current);
                current.assign(1, '('); // not = "(": GCC 12 -O3 warns falsely (-Wrestrict)
            } else {
                current += c;
            }
            ++nesting;
        } else if (c == ')') {
            --nesting;
            if (nesting == 0) {
                result.push_back(current + ")");
                current.clear();
            } else {
                current += c;
            }
        } else {
            current += c;
        }
    }
    if (!current.empty())
        result.push_back(current);
    return result;
}

/// Python's float(text): surrounding whitespace allowed, decimal or
/// exponent notation, inf and nan; no hexadecimal.
std::optional<double> parsePythonFloat(const std::string& text)
{
    const size_t first = text.find_first_not_of(" \t\n\r\f\v");
    const size_t last = text.find_last_not_of(" \t\n\r\f\v");
    const std::string trimmed = first == std::string::npos ? "" : text.substr(first, last - first + 1);
    if (trimmed.empty() || trimmed.find_first_of("xX") != std::string::npos)
        return std::nullopt;
    char* stop = nullptr;
    const double value = std::strtod(trimmed.c_str(), &stop);
    if (stop != trimmed.c_str() + trimmed.size())
        return std::nullopt;
    return value;
}

/// token_weights: a "(...)" item multiplies the weight by 1.1, or sets it
/// when the text after its last ':' (not at the start) reads as a number;
/// its inside is parsed again with that weight.
void tokenWeights(const std::string& text, double currentWeight, std::vector<WeightedText>& out)
{
    for (std::string item : parseParentheses(text)) {
        if (item.size() >= 2 && item.front() == '(' && item.back() == ')') {
            item = item.substr(1, item.size() - 2);
            double weight = currentWeight * 1.1;
            const size_t colon = item.rfind(':');
            if (colon != std::string::npos && colon > 0) {
                if (const std::optional<double> value = parsePythonFloat(item.substr(colon + 1))) {
                    weight = *value;
                    item = item.substr(0, colon);
                }
            }
            tokenWeights(item, weight, out);
        } else {
            out.push_back({item, currentWeight});
        }
    }
}

/// The words of a piece: newlines become spaces, split at single spaces,
/// empty words dropped (other whitespace stays inside words, as in ComfyUI).
std::vector<std::string> splitWords(const std::string& text)
{
    std::vector<std::string> words;
    std::string word;
    for (char c : text) {
        if (c == ' ' || c == '\n') {
            if (!word.empty())
                words.push_back(word);
            word.clear();
        } else {
            word += c;
        }
    }
    if (!word.empty())
        words.push_back(word);
    return words;
}

struct Token {
    int id;
    float weight;
};

} // namespace

std::vector<WeightedText> parsePromptWeights(std::string_view prompt)
{
    std::string text = replaceAll(std::string(prompt), "\\)", kEscapedClose);
    text = replaceAll(text, "\\(", kEscapedOpen);
    std::vector<WeightedText> out;
    tokenWeights(text, 1.0, out);
    for (WeightedText& piece : out)
        piece.text = replaceAll(replaceAll(piece.text, kEscapedClose, ")"), kEscapedOpen, "(");
    return out;
}

bool TokenizedPrompt::hasWeights() const
{
    for (const auto& window : weights)
        if (std::any_of(window.begin(), window.end(), [](float w) { return w != 1.0f; }))
            return true;
    return false;
}

TokenizedPrompt tokenizePrompt(const ClipTokenizer& tokenizer, std::string_view prompt, ClipPadding padding)
{
    const int padToken = padding == ClipPadding::EndToken ? tokenizer.endToken() : 0;

    // One group of tokens per word; a word that is a whole vocabulary entry
    // (with "</w>") is looked up as it is, as ComfyUI does before tokenizing.
    std::vector<std::vector<Token>> groups;
    for (const WeightedText& piece : parsePromptWeights(prompt)) {
        for (const std::string& word : splitWords(piece.text)) {
            if (word.rfind("embedding:", 0) == 0)
                throw Error(ErrorCode::InvalidArgument,
                            "'" + word + "': textual inversion embeddings (embedding:NAME) are not supported");
            std::vector<int> ids;
            if (const int whole = tokenizer.wholeWordToken(word); whole >= 0)
                ids.push_back(whole);
            else
                ids = tokenizer.encode(word);
            std::vector<Token> group;
            for (int id : ids)
                group.push_back({id, float(piece.weight)});
            groups.push_back(std::move(group));
        }
    }

    // Windows of start + up to 75 tokens + end + padding.
    const std::vector<Token> newWindow{Token{tokenizer.startToken(), 1.0f}};
    std::vector<std::vector<Token>> windows{newWindow};
    std::vector<int> counts; // prompt tokens of each closed window, in order
    const auto closeWindow = [&](std::vector<Token>& window) {
        counts.push_back(int(window.size()) - 1);
        window.push_back({tokenizer.endToken(), 1.0f});
        window.resize(kClipWindowLength, Token{padToken, 1.0f});
    };
    for (std::vector<Token> group : groups) {
        const bool isLarge = int(group.size()) >= kMaxWordLength;
        while (!group.empty()) {
            std::vector<Token>& window = windows.back();
            if (group.size() + window.size() > size_t(kClipWindowLength - 1)) {
                const size_t room = size_t(kClipWindowLength - 1) - window.size();
                if (isLarge) {
                    // A long word is split: fill this window with its head.
                    window.insert(window.end(), group.begin(), group.begin() + long(room));
                    group.erase(group.begin(), group.begin() + long(room));
                }
                closeWindow(window);
                windows.push_back(newWindow);
            } else {
                window.insert(window.end(), group.begin(), group.end());
                group.clear();
            }
        }
    }

    closeWindow(windows.back());

    TokenizedPrompt out;
    out.tokenCounts = counts;
    for (const std::vector<Token>& window : windows) {
        std::array<int, kClipWindowLength> ids{};
        std::array<float, kClipWindowLength> weights{};
        for (int i = 0; i < kClipWindowLength; ++i) {
            ids[size_t(i)] = window[size_t(i)].id;
            weights[size_t(i)] = window[size_t(i)].weight;
        }
        out.ids.push_back(ids);
        out.weights.push_back(weights);
    }
    return out;
}

} // namespace tessera::sd

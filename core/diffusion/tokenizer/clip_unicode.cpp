// Character classes and clean-up for the CLIP tokenizer. Python's `regex`
// module classifies with the full Unicode database; these tables cover the
// scripts prompts are written in (Latin, Greek, Cyrillic, Armenian, Hebrew,
// Arabic, Devanagari, Thai, Hangul, kana, CJK, fullwidth forms). A letter of a
// script outside them is taken as punctuation, which only changes where a
// piece ends, never which bytes are encoded.

#include "diffusion/tokenizer/clip_unicode.h"

#include <algorithm>
#include <array>
#include <iterator>

namespace tessera::sd::detail {
namespace {

struct Range {
    char32_t first;
    char32_t last;
};

bool inRanges(char32_t c, const Range* begin, const Range* end)
{
    // The tables are sorted: find the first range whose end is not below c.
    const Range* it = std::lower_bound(begin, end, c, [](const Range& r, char32_t v) { return r.last < v; });
    return it != end && it->first <= c;
}

constexpr Range kLetters[] = {
    {0x41, 0x5A}, {0x61, 0x7A}, {0xAA, 0xAA}, {0xB5, 0xB5}, {0xBA, 0xBA},
    {0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x2C1}, {0x2C6, 0x2D1}, {0x2E0, 0x2E4},
    {0x370, 0x374}, {0x376, 0x37D}, {0x37F, 0x37F}, {0x386, 0x386}, {0x388, 0x3F5},
    {0x3F7, 0x481}, {0x48A, 0x52F}, {0x531, 0x556}, {0x560, 0x588}, {0x5D0, 0x5EA},
    {0x620, 0x64A}, {0x671, 0x6D3}, {0x904, 0x939}, {0x958, 0x961}, {0xE01, 0xE30},
    {0xE32, 0xE33}, {0xE40, 0xE46}, {0x10A0, 0x10FF}, {0x1100, 0x11FF}, {0x1E00, 0x1FBC},
    {0x1FC2, 0x1FCC}, {0x1FD0, 0x1FDB}, {0x1FE0, 0x1FEC}, {0x1FF2, 0x1FFC}, {0x3041, 0x3096},
    {0x309D, 0x309F}, {0x30A1, 0x30FA}, {0x30FC, 0x30FF}, {0x3105, 0x312F}, {0x3131, 0x318E},
    {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFF21, 0xFF3A},
    {0xFF41, 0xFF5A}, {0xFF66, 0xFF9D}, {0x20000, 0x2FA1F},
};

constexpr Range kNumbers[] = {
    {0x30, 0x39}, {0xB2, 0xB3}, {0xB9, 0xB9}, {0xBC, 0xBE}, {0x660, 0x669},
    {0x6F0, 0x6F9}, {0x966, 0x96F}, {0xE50, 0xE59}, {0x2070, 0x2070}, {0x2074, 0x2079},
    {0x2080, 0x2089}, {0x2150, 0x2189}, {0x2460, 0x249B}, {0x24EA, 0x24FF}, {0x2776, 0x2793},
    {0x3007, 0x3007}, {0x3021, 0x3029}, {0xFF10, 0xFF19},
};

constexpr Range kSpaces[] = {
    {0x09, 0x0D}, {0x1C, 0x20}, {0x85, 0x85}, {0xA0, 0xA0}, {0x1680, 0x1680},
    {0x2000, 0x200A}, {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000},
};

bool startsWith(std::string_view text, size_t at, std::string_view prefix)
{
    return text.substr(at, prefix.size()) == prefix;
}

} // namespace

std::vector<CodePoint> decodeUtf8(std::string_view text)
{
    std::vector<CodePoint> out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        size_t size = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
        char32_t value = size == 1 ? lead : size == 2 ? (lead & 0x1F) : size == 3 ? (lead & 0x0F) : (lead & 0x07);
        bool valid = size > 0 && i + size <= text.size();
        for (size_t k = 1; valid && k < size; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            valid = (next & 0xC0) == 0x80;
            value = (value << 6) | (next & 0x3F);
        }
        if (!valid) {
            out.push_back({0xFFFD, i, 1});
            ++i;
            continue;
        }
        out.push_back({value, i, size});
        i += size;
    }
    return out;
}

void appendUtf8(std::string& out, char32_t value)
{
    if (value < 0x80) {
        out += static_cast<char>(value);
    } else if (value < 0x800) {
        out += static_cast<char>(0xC0 | (value >> 6));
        out += static_cast<char>(0x80 | (value & 0x3F));
    } else if (value < 0x10000) {
        out += static_cast<char>(0xE0 | (value >> 12));
        out += static_cast<char>(0x80 | ((value >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (value & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (value >> 18));
        out += static_cast<char>(0x80 | ((value >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((value >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (value & 0x3F));
    }
}

bool isSpace(char32_t c)
{
    return inRanges(c, std::begin(kSpaces), std::end(kSpaces));
}

bool isLetter(char32_t c)
{
    return inRanges(c, std::begin(kLetters), std::end(kLetters));
}

bool isNumber(char32_t c)
{
    return inRanges(c, std::begin(kNumbers), std::end(kNumbers));
}

char32_t toLowerCodePoint(char32_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7))
        return c + 0x20;
    // Latin Extended-A: upper/lower pairs, upper at the even code point, except
    // 0x139-0x148 and 0x179-0x17E where the upper one is odd.
    if (c >= 0x100 && c <= 0x17F) {
        const bool oddUpper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
        if (c == 0x138 || c == 0x149 || c == 0x17F)
            return c;
        if (c == 0x178)
            return 0xFF;
        return (c % 2 == 1) == oddUpper ? c + 1 : c;
    }
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
        return c + 0x20;
    if (c == 0x386)
        return 0x3AC;
    if (c >= 0x388 && c <= 0x38A)
        return c + 0x25;
    if (c == 0x38C)
        return 0x3CC;
    if (c == 0x38E || c == 0x38F)
        return c + 0x3F;
    if (c >= 0x410 && c <= 0x42F)
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    if (c >= 0x531 && c <= 0x556)
        return c + 0x30;
    if (c >= 0xFF21 && c <= 0xFF3A)
        return c + 0x20;
    return c;
}

std::string cleanClipText(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool pendingSpace = false;
    for (const CodePoint& cp : decodeUtf8(text)) {
        if (isSpace(cp.value)) {
            pendingSpace = !out.empty();
            continue;
        }
        if (pendingSpace)
            out += ' ';
        pendingSpace = false;
        if (cp.value == 0xFFFD && cp.size == 1)
            out += text[cp.offset]; // an invalid byte: kept, the byte encoder takes any byte
        else if (cp.value == 0x130)
            out += "i\xCC\x87"; // Python lower-cases U+0130 to "i" + U+0307 (combining dot above)
        else
            appendUtf8(out, toLowerCodePoint(cp.value));
    }
    return out;
}

std::vector<std::string> splitClipPieces(std::string_view text)
{
    static constexpr std::array<std::string_view, 2> kSpecial = {"<|startoftext|>", "<|endoftext|>"};
    static constexpr std::array<std::string_view, 7> kContractions = {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};
    const std::vector<CodePoint> points = decodeUtf8(text);
    std::vector<std::string> pieces;
    size_t i = 0;
    // The alternatives are tried in the pattern's order at each position, as a
    // regex engine does; only whitespace matches none of them and is skipped.
    auto take = [&](size_t count) {
        const size_t begin = points[i].offset;
        const size_t end = points[i + count - 1].offset + points[i + count - 1].size;
        pieces.emplace_back(text.substr(begin, end - begin));
        i += count;
    };
    while (i < points.size()) {
        const size_t at = points[i].offset;
        const auto special = std::find_if(kSpecial.begin(), kSpecial.end(), [&](auto s) { return startsWith(text, at, s); });
        if (special != kSpecial.end()) {
            take(special->size()); // ASCII only: one code point per byte
            continue;
        }
        const auto contraction = std::find_if(kContractions.begin(), kContractions.end(),
                                              [&](auto s) { return startsWith(text, at, s); });
        if (contraction != kContractions.end()) {
            take(contraction->size());
            continue;
        }
        const char32_t c = points[i].value;
        size_t count = 1;
        if (isSpace(c)) {
            ++i;
            continue;
        }
        if (isLetter(c)) {
            while (i + count < points.size() && isLetter(points[i + count].value))
                ++count;
        } else if (!isNumber(c)) {
            while (i + count < points.size()) {
                const char32_t next = points[i + count].value;
                if (isSpace(next) || isLetter(next) || isNumber(next))
                    break;
                ++count;
            }
        }
        take(count);
    }
    return pieces;
}

} // namespace tessera::sd::detail

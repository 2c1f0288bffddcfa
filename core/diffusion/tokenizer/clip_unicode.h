#pragma once
/// Internal to the CLIP tokenizer: UTF-8 code points, the character classes
/// that CLIP's pre-tokenizer pattern uses (\s, \p{L}, \p{N}) and its text clean-up.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::sd::detail {

/// One code point of a UTF-8 text and the bytes it came from.
struct CodePoint {
    char32_t value = 0;
    size_t offset = 0; ///< first byte in the text
    size_t size = 0;   ///< bytes (1-4; 1 for an invalid byte, kept as it is)
};

/// Splits UTF-8 text into code points; an invalid byte becomes a code point of
/// its own (value 0xFFFD) so that no byte is lost.
std::vector<CodePoint> decodeUtf8(std::string_view text);

/// Appends the UTF-8 encoding of `value`.
void appendUtf8(std::string& out, char32_t value);

bool isSpace(char32_t c);  ///< Python's \s for str patterns
bool isLetter(char32_t c); ///< \p{L}, by ranges of the common scripts
bool isNumber(char32_t c); ///< \p{N}, by ranges of the common scripts

/// Lower case of `c` for ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic,
/// Armenian and fullwidth Latin; other code points are kept (U+0130, which
/// lower-cases to two code points, is handled by cleanClipText).
char32_t toLowerCodePoint(char32_t c);

/// CLIP's clean-up before the pre-tokenizer: whitespace runs become one space,
/// the ends are stripped, the text is lower-cased.
std::string cleanClipText(std::string_view text);

/// CLIP's pre-tokenizer pattern
/// `<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`
/// applied as re.findall does: the pieces in order, whitespace skipped.
std::vector<std::string> splitClipPieces(std::string_view cleanText);

} // namespace tessera::sd::detail

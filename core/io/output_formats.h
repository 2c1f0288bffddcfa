#pragma once
/// What an output format can hold, judged from the file's extension before
/// anything is written, so that the CLI can warn and the GUI ask first.

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>

namespace tessera {

/// False for the formats that have no alpha channel (JPEG): an image with
/// alpha written there loses it. True for the others we write (PNG, TIFF,
/// EXR, WebP).
inline bool formatStoresAlpha(const std::string& path)
{
    std::string extension = std::filesystem::path(path).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return extension != ".jpg" && extension != ".jpeg";
}

/// "out.jpg: JPEG has no alpha; the alpha channel is dropped" without the
/// file name, for a warning (CLI) or a question (GUI).
inline const char* kAlphaDroppedSentence = "JPEG has no alpha; the alpha channel is dropped";

} // namespace tessera

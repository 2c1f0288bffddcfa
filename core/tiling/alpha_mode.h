#pragma once
/// How an alpha channel is upscaled. Plain values (no LibTorch), so job
/// settings that the UI holds can name it.

#include <string>

namespace tessera {

enum class AlphaMode {
    Resize, ///< bicubic resize of alpha, separately from the colour
    Model,  ///< alpha goes through the model as a grey image
};

/// Parses "model" or "resize"; throws Error(InvalidArgument) otherwise.
AlphaMode parseAlphaMode(const std::string& text);
const char* alphaModeName(AlphaMode mode);

} // namespace tessera

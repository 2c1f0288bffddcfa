#pragma once
/// Small text helpers shared by core, the CLI and the bench.

#include <string>

namespace tessera {

/// ASCII lower case ("PNG" -> "png"); other bytes are kept.
std::string toLower(std::string text);

/// The extension of `path` without the dot, in lower case ("a/B.TIF" -> "tif").
std::string lowerExtension(const std::string& path);

} // namespace tessera

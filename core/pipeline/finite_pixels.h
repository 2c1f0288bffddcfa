#pragma once
/// What a run says about input pixels that were NaN or infinite (the rule
/// and its replacement: tiling/finite_rows.h).

#include <cstdint>
#include <string>

namespace tessera {

/// "12 pixels were NaN or infinite; set to 0 or 1 as documented" for the
/// person who runs the upscale (the CLI puts the file's name in front).
std::string nonFinitePixelsSentence(int64_t pixels);

} // namespace tessera

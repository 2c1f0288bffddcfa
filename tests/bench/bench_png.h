#pragma once
// tessera-bench's png mode: the PNG encoder (core/encode) on one thread and
// on every core, over the same synthetic image, in one process.

#include <map>
#include <string>

namespace tessera::bench {

using Options = std::map<std::string, std::string>;

/// --size N (default 8192) [--bits 8|16] [--level L (6)] [--runs R (3)]
/// [--threads T (0: every core)]: median ms per encode of an N x N RGB image
/// arriving in 64-row bands, the output's size, and the speed-up over one
/// thread (one thread deflates one stream, as libpng does; tst_png_encoder
/// shows the sizes match libpng's).
int runPngTiming(const Options& options);

} // namespace tessera::bench

#pragma once
// tessera-bench's precision mode: what half precision costs in quality on
// real photos, against fp32 on the same device.

#include "bench_options.h"
#include <map>
#include <string>

namespace tessera::bench {

/// --model M --images A.ppm[,B.ppm...] [--device cuda] [--precisions
/// fp16,bf16] [--tile S]: each photo upscaled by the upscale job at fp32 and
/// at each precision on the same device; prints per photo and precision the
/// PSNR against fp32 (outputs clamped to [0, 1], peak 1), the largest
/// difference and the share of 8-bit samples that differ. Photos are binary
/// PPM (P6, 8 or 16 bits: `oiiotool photo.png -o photo.ppm`), so that the
/// mode needs no image library on a GPU machine without OpenImageIO.
int runPrecisionCheck(const Options& options);

} // namespace tessera::bench

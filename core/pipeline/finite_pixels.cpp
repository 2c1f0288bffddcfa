#include "pipeline/finite_pixels.h"

#include "common/finite_values.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace tessera {

int64_t replaceNonFinite(float* values, size_t count)
{
    int64_t replaced = 0;
    for (size_t i = 0; i < count; ++i) {
        const float v = values[i];
        if (std::isfinite(v))
            continue;
        values[i] = v > 0.0f ? 1.0f : 0.0f; // +Inf -> 1; -Inf and NaN (comparisons false) -> 0
        ++replaced;
    }
    return replaced;
}

void FiniteRowSource::readRows(int y, int rowCount, float* pixels)
{
    m_inner.readRows(y, rowCount, pixels);
    // Files almost never hold a non-finite sample (8- and 16-bit ones cannot):
    // blocks of whole pixels are checked at memory speed, on every core (the
    // check sits on the path to the device: the first band is read before any
    // tile can start), and only a block with one is scanned pixel by pixel.
    const size_t channels = size_t(m_inner.channels());
    const size_t pixelCount = size_t(m_inner.width()) * size_t(rowCount);
    constexpr size_t kBlockPixels = 4096;
    const int64_t blocks = int64_t((pixelCount + kBlockPixels - 1) / kBlockPixels);
    RECORD_USER_SCOPE("tessera::check_finite"); // a named range in the bench's profile
    std::vector<uint8_t> finite(size_t(blocks), 1);
    // Block b: its first pixel and its pixel count.
    auto blockAt = [&](int64_t b) {
        const size_t first = size_t(b) * kBlockPixels;
        return std::pair(first, std::min(kBlockPixels, pixelCount - first));
    };
    at::parallel_for(0, blocks, /*grain_size=*/32, [&](int64_t begin, int64_t end) {
        for (int64_t b = begin; b < end; ++b) {
            const auto [first, count] = blockAt(b);
            finite[size_t(b)] = allFinite(pixels + first * channels, count * channels);
        }
    });
    for (int64_t b = 0; b < blocks; ++b) {
        if (finite[size_t(b)])
            continue;
        const auto [first, count] = blockAt(b);
        for (size_t p = first; p < first + count; ++p)
            if (replaceNonFinite(pixels + p * channels, channels) > 0)
                ++m_replacedPixels;
    }
}

std::string nonFinitePixelsSentence(int64_t pixels)
{
    return std::to_string(pixels) + (pixels == 1 ? " pixel was" : " pixels were")
           + " NaN or infinite; set to 0 or 1 as documented (NaN and -Inf to 0, +Inf to 1)";
}

} // namespace tessera

#include "pipeline/finite_pixels.h"

#include "common/finite_values.h"

#include <algorithm>
#include <cmath>

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
    // blocks of whole pixels are checked at memory speed, and only a block
    // with one is scanned pixel by pixel. The scan sits on the path to the
    // device (the first band is read before any tile can start).
    const size_t channels = size_t(m_inner.channels());
    const size_t pixelCount = size_t(m_inner.width()) * size_t(rowCount);
    constexpr size_t kBlockPixels = 4096;
    for (size_t first = 0; first < pixelCount; first += kBlockPixels) {
        const size_t count = std::min(kBlockPixels, pixelCount - first);
        float* block = pixels + first * channels;
        if (allFinite(block, count * channels))
            continue;
        for (size_t p = 0; p < count; ++p)
            if (replaceNonFinite(block + p * channels, channels) > 0)
                ++m_replacedPixels;
    }
}

std::string nonFinitePixelsSentence(int64_t pixels)
{
    return std::to_string(pixels) + (pixels == 1 ? " pixel was" : " pixels were")
           + " NaN or infinite; set to 0 or 1 as documented (NaN and -Inf to 0, +Inf to 1)";
}

} // namespace tessera

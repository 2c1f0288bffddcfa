#include "tiling/finite_rows.h"

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

int64_t replaceNonFinitePixels(float* pixels, size_t pixelCount, int channels)
{
    RECORD_USER_SCOPE("tessera::check_finite"); // a named range in the bench's profile
    const size_t samples = size_t(channels);
    constexpr size_t kBlockPixels = 4096;
    const int64_t blocks = int64_t((pixelCount + kBlockPixels - 1) / kBlockPixels);
    // Block b: its first pixel and its pixel count.
    auto blockAt = [&](int64_t b) {
        const size_t first = size_t(b) * kBlockPixels;
        return std::pair(first, std::min(kBlockPixels, pixelCount - first));
    };
    std::vector<uint8_t> finite(size_t(blocks), 1);
    at::parallel_for(0, blocks, /*grain_size=*/32, [&](int64_t begin, int64_t end) {
        for (int64_t b = begin; b < end; ++b) {
            const auto [first, count] = blockAt(b);
            finite[size_t(b)] = allFinite(pixels + first * samples, count * samples);
        }
    });
    int64_t replacedPixels = 0;
    for (int64_t b = 0; b < blocks; ++b) {
        if (finite[size_t(b)])
            continue;
        const auto [first, count] = blockAt(b);
        for (size_t p = first; p < first + count; ++p)
            if (replaceNonFinite(pixels + p * samples, samples) > 0)
                ++replacedPixels;
    }
    return replacedPixels;
}

at::Tensor replaceNonFinitePixels(at::Tensor& rows)
{
    // bad: [R, W], true where a pixel has a non-finite sample
    const at::Tensor bad = at::isfinite(rows).logical_not_().any(-1);
    at::nan_to_num_(rows, /*nan=*/0.0, /*posinf=*/1.0, /*neginf=*/0.0);
    return bad.sum();
}

} // namespace tessera

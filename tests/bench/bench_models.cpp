#include "bench_models.h"

#include <cmath>
#include <fstream>
#include <string>

namespace tessera::bench {

void SyntheticSource::readRows(int y, int rowCount, float* pixels)
{
    for (int row = y; row < y + rowCount; ++row) {
        for (int x = 0; x < m_width; ++x) {
            // A little texture: a cheap integer hash per pixel.
            uint32_t h = uint32_t(x) * 73856093u ^ uint32_t(row) * 19349663u;
            h ^= h >> 13;
            const float noise = float(h & 255u) / 255.0f * 0.1f;
            *pixels++ = float(x) / float(m_width) * 0.9f + noise;
            *pixels++ = float(row) / float(m_height) * 0.9f + noise;
            *pixels++ = 0.5f + 0.4f * std::sin(float(x + row) * 0.01f);
        }
    }
}

void NullSink::begin(int width, int height, int channels)
{
    m_rowFloats = int64_t(width) * channels;
}

void NullSink::writeRows(int y, int rowCount, const float* pixels)
{
    rows += rowCount;
    // One sample per row keeps the compiler from dropping the work.
    for (int r = 0; r < rowCount; ++r)
        checksum += pixels[int64_t(r) * m_rowFloats];
}

int64_t peakResidentBytes()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stoll(line.substr(6)) * 1024; // reported in kB
    }
    return 0;
}

bool resetPeakResident()
{
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    return bool(clear);
}

} // namespace tessera::bench

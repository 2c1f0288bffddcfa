#include "bench_models.h"

#include "common/torch_compat.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <string>

namespace tessera::bench {

SyntheticSource::SyntheticSource(int width, int height, int storedBits)
    : m_width(width), m_height(height), m_pattern(size_t(kPatternRows) * size_t(width) * 3)
{
    float* pixels = m_pattern.data();
    for (int row = 0; row < kPatternRows; ++row) {
        for (int x = 0; x < m_width; ++x) {
            // A little texture: a cheap integer hash per pixel.
            uint32_t h = uint32_t(x) * 73856093u ^ uint32_t(row) * 19349663u;
            h ^= h >> 13;
            const float noise = float(h & 255u) / 255.0f * 0.1f;
            *pixels++ = float(x) / float(m_width) * 0.9f + noise;
            *pixels++ = float(row) / float(kPatternRows) * 0.9f + noise;
            *pixels++ = 0.5f + 0.4f * std::sin(float(x + row) * 0.01f);
        }
    }
    if (storedBits == 8) {
        m_bytes.resize(m_pattern.size());
        for (size_t i = 0; i < m_pattern.size(); ++i) {
            m_bytes[i] = uint8_t(std::lround(std::clamp(m_pattern[i], 0.0f, 1.0f) * 255.0f));
            m_pattern[i] = float(m_bytes[i]) * kByteToFloat;
        }
    }
}

void SyntheticSource::readBytes(int y, int rowCount, uint8_t* samples)
{
    const size_t rowBytes = size_t(m_width) * 3;
    for (int row = y; row < y + rowCount; ++row, samples += rowBytes)
        std::memcpy(samples, m_bytes.data() + size_t(row % kPatternRows) * rowBytes, rowBytes);
}

void SyntheticSource::readRows(int y, int rowCount, float* pixels)
{
    const size_t rowFloats = size_t(m_width) * 3;
    for (int row = y; row < y + rowCount; ++row, pixels += rowFloats)
        std::memcpy(pixels, m_pattern.data() + size_t(row % kPatternRows) * rowFloats, rowFloats * sizeof(float));
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

void NullSink::writeBytes(int y, int rowCount, const uint8_t* samples)
{
    rows += rowCount;
    for (int r = 0; r < rowCount; ++r)
        checksum += samples[int64_t(r) * m_rowFloats];
}

double medianMilliseconds(const DeviceSpec& device, int runs, const std::function<void()>& run, int warmup)
{
    for (int i = 0; i < warmup; ++i)
        run();
    synchronizeDevice(device);
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        run();
        synchronizeDevice(device);
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

double deviceToHostGigabytesPerSecond(const DeviceSpec& device)
{
    const int64_t floats = int64_t(1) << 28;
    const at::Tensor source = at::rand({floats}, at::TensorOptions().device(toTorchDevice(device)));
    const at::Tensor host = at::empty({floats}, at::TensorOptions().dtype(at::kFloat).pinned_memory(true));
    const double ms = medianMilliseconds(device, 5, [&] { host.copy_(source); }, 1);
    return double(floats) * 4 / 1e9 / (ms / 1e3);
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

#pragma once
// Pieces of the benchmark harness that need neither Qt nor OpenImageIO: a
// synthetic input of any size, a sink that only counts, and the process's
// peak resident memory. The tiny convolution model is the tests' one
// (support/conv_model.h).

#include "support/conv_model.h"
#include "tiling/row_sink.h"
#include "tiling/row_source.h"

#include "common/device.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace tessera::bench {

/// A deterministic RGB test pattern (gradients and a little texture) of any
/// size, its rows repeated from a short pattern: no image in memory.
/// storedBits 8 holds the pattern as bytes and hands them over as an 8-bit
/// file's source does (readBytes).
class SyntheticSource : public RowSource {
public:
    /// A texture of kPatternRows rows made once and repeated, so that reading
    /// costs a copy and the bench times the engine, not the generator.
    SyntheticSource(int width, int height, int storedBits = 0);
    int width() const override { return m_width; }
    int height() const override { return m_height; }
    int channels() const override { return 3; }
    void readRows(int y, int rowCount, float* pixels) override;
    int storedBits() const override { return m_bytes.empty() ? 0 : 8; }
    void readBytes(int y, int rowCount, uint8_t* samples) override;

private:
    static constexpr int kPatternRows = 61;
    int m_width;
    int m_height;
    std::vector<float> m_pattern;  ///< [kPatternRows, width, 3]
    std::vector<uint8_t> m_bytes;  ///< the pattern as bytes (storedBits 8); m_pattern is then their floats
};

/// Discards rows, keeping a count and a checksum. storedBits 8 takes the
/// rows as bytes (rounded on the device), as an 8-bit file's sink does.
class NullSink : public RowSink {
public:
    explicit NullSink(int storedBits = 0) : m_storedBits(storedBits) {}
    void begin(int width, int height, int channels) override;
    void writeRows(int y, int rowCount, const float* pixels) override;
    int storedBits() const override { return m_storedBits; }
    void writeBytes(int y, int rowCount, const uint8_t* samples) override;
    int64_t rows = 0;
    double checksum = 0.0;

private:
    int m_storedBits = 0;
    int64_t m_rowFloats = 0;
};

/// Peak resident set size of this process in bytes (VmHWM), 0 if unknown.
int64_t peakResidentBytes();

/// Median wall time of `run` in milliseconds, after `warmup` runs, with the device synchronised.
double medianMilliseconds(const DeviceSpec& device, int runs, const std::function<void()>& run, int warmup = 3);

/// Median rate of copying 1 GB of float32 from `device` to pinned host memory.
double deviceToHostGigabytesPerSecond(const DeviceSpec& device);
/// Resets the peak to the current resident size (Linux clear_refs); false if
/// the kernel refused.
bool resetPeakResident();

} // namespace tessera::bench

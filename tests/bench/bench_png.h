#pragma once
// tessera-bench's png mode: the PNG encoder (core/encode) on one thread and
// on every core, over the same synthetic image, in one process.

#include "bench_options.h"
#include "encode/png_encoder.h"
#include "tiling/row_sink.h"

#include <cstdio>
#include <map>
#include <memory>
#include <string>

namespace tessera::bench {

/// --size N (default 8192) [--bits 8|16] [--level L (6)] [--runs R (3)]
/// [--threads T (0: every core)]: median ms per encode of an N x N RGB image
/// arriving in 64-row bands, the output's size, and the speed-up over one
/// thread (one thread deflates one stream, as libpng does; tst_png_encoder
/// shows the sizes match libpng's).
int runPngTiming(const Options& options);

/// Rows to an 8-bit PNG file through the encoder (every core), so
/// the throughput mode can time an upscale together with its encoding.
/// The file is complete after finish().
class PngFileSink : public RowSink {
public:
    PngFileSink(std::string path, int level) : m_path(std::move(path)), m_level(level) {}
    ~PngFileSink() override;
    void finish();
    void begin(int width, int height, int channels) override;
    void writeRows(int y, int rowCount, const float* pixels) override;
    int storedBits() const override { return 8; }
    void writeBytes(int y, int rowCount, const uint8_t* samples) override;

private:
    std::string m_path;
    int m_level = 6;
    std::FILE* m_file = nullptr;
    std::unique_ptr<PngEncoder> m_encoder;
};

} // namespace tessera::bench

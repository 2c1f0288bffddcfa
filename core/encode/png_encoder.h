#pragma once
/// A PNG encoder that deflates on every core: the rows are cut into segments
/// of about 2 MiB, each filtered and deflated on a worker thread as an
/// independent raw deflate stream primed with the 32 KiB of filtered bytes
/// before it (so it compresses as well as one stream would), ended with a
/// sync flush so the segments join into one zlib stream, as pigz does. The
/// zlib checksum is combined from the segments' (adler32_combine). A single
/// libpng stream deflates at about 50 MB/s, which made PNG encoding the wall
/// of every large upscale (an 8192² RGB output is 201 MB of samples).
///
/// Samples arrive as float32 and are stored as OpenImageIO stores them:
/// clamped to [0, 1], times 255 (or 65535), plus 0.5, truncated; NaN gives 0.
/// Rows are filtered as libpng does by default (for each row the filter of
/// the five whose bytes have the smallest sum of absolute values).
///
/// zlib only: no OpenImageIO here, so the bench can use it on machines that
/// have no OpenImageIO. The file's other chunks (metadata, ICC profile) come
/// from the caller as complete chunks.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace tessera {

struct PngEncoderSettings {
    int width = 0;
    int height = 0;
    int channels = 3; ///< 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA
    int bits = 8;     ///< 8 or 16
    /// Deflate level 0 (stored) .. 9. The default 4 (ComfyUI's too) deflates
    /// upscaled photos about twice as fast as 6 into files no larger
    /// (tests/bench/NOTES.md, session 11).
    int level = 4;
    int threads = 0;  ///< worker threads; 0: one per core
    size_t segmentBytes = size_t(2) << 20; ///< raw bytes per deflate segment (tests use small ones)
    /// Complete chunks (length, type, data, CRC) placed right after IHDR and
    /// right before IEND: the metadata, in the order given.
    std::vector<uint8_t> chunksBeforeData;
    std::vector<uint8_t> chunksAfterData;
};

/// Writes one PNG file through `write`, called from the caller's thread only
/// (inside writeRows and finish) with the file's bytes in order; `write`
/// throws on failure, and the failure reaches the caller. Invalid settings
/// throw Error(InvalidArgument).
class PngEncoder {
public:
    using ByteWriter = std::function<void(const uint8_t* bytes, size_t size)>;

    PngEncoder(const PngEncoderSettings& settings, ByteWriter write);
    ~PngEncoder();
    PngEncoder(const PngEncoder&) = delete;
    PngEncoder& operator=(const PngEncoder&) = delete;

    /// Appends `rowCount` rows of HWC float32 samples (width * channels per row).
    void writeRows(int rowCount, const float* pixels);
    /// Appends `rowCount` rows of 8-bit samples, already rounded (the same rule:
    /// tiling/quantize_rows.h); 8-bit files only.
    void writeBytes(int rowCount, const uint8_t* samples);
    /// Writes what is still being compressed and the file's end. All rows must have arrived.
    void finish();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// One PNG chunk: length, type, data, CRC (for callers that build chunks).
std::vector<uint8_t> pngChunk(const char type[4], const uint8_t* data, size_t size);

} // namespace tessera

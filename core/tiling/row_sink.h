#pragma once
/// Where finished output rows go. The tiled runner hands rows over, top to
/// bottom, as soon as every tile touching them is blended, so a huge output can
/// stream to a file (ImageFileWriter) while the GUI collects an Image.

#include "image/image.h"

#include <cstdint>

namespace tessera {

class RowSink {
public:
    virtual ~RowSink() = default;
    /// Called once before any rows, with the output's size and channel count.
    virtual void begin(int width, int height, int channels) = 0;
    /// Rows [y, y + rowCount), HWC float32, width * channels floats per row.
    /// Rows arrive in order: y is always the first row not yet written. The
    /// runner calls this from its writer thread (RowWriter), one call at a
    /// time, after begin() returned.
    virtual void writeRows(int y, int rowCount, const float* pixels) = 0;

    /// The sample depth the sink stores, asked after begin(): 8 when it keeps
    /// 8-bit samples and takes them through writeBytes. The runner then
    /// rounds on the model's device (quantizeTo8Bits, OpenImageIO's rule) and a
    /// quarter of float32's bytes travel to the host. 0: float rows only.
    virtual int storedBits() const { return 0; }
    /// Rows [y, y + rowCount) as 8-bit samples, width * channels bytes per row,
    /// in order as writeRows; called instead of it when storedBits() is 8.
    virtual void writeBytes(int y, int rowCount, const uint8_t* samples);
};

/// Collects the rows into an Image in memory (the GUI's preview, tests).
class ImageRowSink : public RowSink {
public:
    void begin(int width, int height, int channels) override;
    void writeRows(int y, int rowCount, const float* pixels) override;

    /// The image; complete once the run has finished.
    Image& image() { return m_image; }
    /// Moves the image out.
    Image take() { return std::move(m_image); }

private:
    Image m_image;
};

} // namespace tessera

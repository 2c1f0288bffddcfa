#pragma once
/// Where the tiled runner reads input rows from: an Image in memory, or a file
/// read band by band (the CLI adapts ImageFileReader), so a huge input never
/// has to fit in memory.

#include "image/image.h"

#include <cstdint>

namespace tessera {

class RowSource {
public:
    virtual ~RowSource() = default;
    virtual int width() const = 0;
    virtual int height() const = 0;
    virtual int channels() const = 0;
    /// Fills `pixels` with rows [y, y + rowCount): HWC float32, width * channels
    /// floats per row. The runner asks for rows in increasing order and never
    /// for the same row twice, so a sequential reader can serve it. It reads
    /// ahead from a thread of its own: one call at a time, never alongside
    /// another readRows.
    virtual void readRows(int y, int rowCount, float* pixels) = 0;

    /// The sample depth the source holds: 8 when readBytes gives its rows
    /// exactly (an 8-bit file). The runner then reads and uploads a quarter
    /// of float32's bytes and makes the floats on the model's device, as
    /// byte * (1 / 255.0f): OpenImageIO's conversion, so the values equal
    /// readRows'. 0: float rows only (the default).
    virtual int storedBits() const { return 0; }
    /// Rows [y, y + rowCount) as 8-bit samples, width * channels bytes per
    /// row; called instead of readRows, under the same rules, when
    /// storedBits() is 8.
    virtual void readBytes(int y, int rowCount, uint8_t* samples);
};

/// A byte's float value, as readRows gives it for 8-bit samples:
/// OpenImageIO's conversion (byte * (1 / 255.0f), rounded once).
constexpr float kByteToFloat = 1.0f / 255.0f;

/// Reads from an Image in memory; the image must outlive the source.
class ImageRowSource : public RowSource {
public:
    explicit ImageRowSource(const Image& image) : m_image(image) {}
    int width() const override { return m_image.width(); }
    int height() const override { return m_image.height(); }
    int channels() const override { return m_image.channels(); }
    void readRows(int y, int rowCount, float* pixels) override;

private:
    const Image& m_image;
};

} // namespace tessera

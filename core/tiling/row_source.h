#pragma once
/// Where the tiled runner reads input rows from: an Image in memory, or a file
/// read band by band (the CLI adapts ImageFileReader), so a huge input never
/// has to fit in memory.

#include "image/image.h"

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
};

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

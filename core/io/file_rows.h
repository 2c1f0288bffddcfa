#pragma once
// Adapters between the tiled runner's row interfaces and the OpenImageIO file
// layer, so a huge image streams from file to file band by band. Header-only;
// used by tessera-cli and tessera-bench.

#include "io/image_reader.h"
#include "io/image_writer.h"
#include "tiling/row_sink.h"
#include "tiling/row_source.h"

#include <cstring>
#include <memory>
#include <optional>
#include <string>

namespace tessera {

/// Reads rows of an open image file on demand.
class FileRowSource : public RowSource {
public:
    explicit FileRowSource(ImageFileReader& reader) : m_reader(reader) {}
    int width() const override { return m_reader.info().width; }
    int height() const override { return m_reader.info().height; }
    int channels() const override { return m_reader.info().channels; }
    void readRows(int y, int rowCount, float* pixels) override
    {
        const Image rows = m_reader.readRegion(0, y, width(), rowCount);
        std::memcpy(pixels, rows.data(), sizeof(float) * size_t(rows.pixelCount()) * rows.channels());
    }
    /// An 8-bit file's rows travel as its bytes (readBytes).
    int storedBits() const override { return m_reader.readsBytes() ? 8 : 0; }
    void readBytes(int y, int rowCount, uint8_t* samples) override { m_reader.readRowBytes(y, rowCount, samples); }

private:
    ImageFileReader& m_reader;
};

/// Writes rows to a file as they arrive. Nothing appears at `path` until
/// finish(); destroying the sink earlier (error, cancel) leaves no file.
class FileRowSink : public RowSink {
public:
    FileRowSink(std::string path, ImageMetadata metadata, WriteOptions options)
        : m_path(std::move(path)), m_metadata(std::move(metadata)), m_options(std::move(options))
    {
    }
    void begin(int width, int height, int channels) override
    {
        m_writer = std::make_unique<ImageFileWriter>(m_path, width, height, channels, m_metadata,
                                                     m_options);
    }
    void writeRows(int y, int rowCount, const float* pixels) override
    {
        m_writer->writeRows(y, rowCount, pixels);
    }
    int storedBits() const override { return m_writer && m_writer->takesBytes() ? 8 : 0; }
    void writeBytes(int y, int rowCount, const uint8_t* samples) override
    {
        m_writer->writeBytes(y, rowCount, samples);
    }
    /// Renames the finished file into place.
    void finish() { m_writer->finish(); }

private:
    std::string m_path;
    ImageMetadata m_metadata;
    WriteOptions m_options;
    std::unique_ptr<ImageFileWriter> m_writer;
};

} // namespace tessera

#pragma once
/// Writing images with OpenImageIO: PNG, TIFF, EXR, JPEG and WebP (format from
/// the file extension), a chosen bit depth, quality or compression, with the
/// metadata and ICC profile carried over. Every write goes to a temporary file
/// in the destination folder and is renamed into place only when complete, so
/// a failure (full disk, cancel, bad option) never damages an existing file.

#include "image/image.h"

#include <cstdint>
#include <memory>
#include <string>

namespace tessera {

struct WriteOptions {
    /// 8, 16 or 32 (float). 0 picks the source's depth where the format allows
    /// it, else the nearest one it does (EXR: half for 8/16-bit sources, float
    /// for 32; JPEG/WebP: 8). A depth the format cannot store is an
    /// Error(InvalidArgument): PNG 8/16, TIFF 8/16/32, EXR 16 (half) / 32
    /// (8 is refused, not widened), JPEG and WebP 8 only.
    /// Integer depths clamp to [0, 1] and round to the nearest step.
    int bits = 0;
    /// JPEG/WebP quality 1-100.
    int quality = 95;
    /// Compression name for TIFF/EXR/PNG ("zip", "lzw", "piz", "dwaa", ...);
    /// empty picks the format's usual lossless default.
    std::string compression;
    /// Carry metadata and the ICC profile over from the image.
    bool keepMetadata = true;
};

/// Channels: JPEG drops alpha (grey+alpha -> grey, RGBA -> RGB); WebP writes
/// grey as RGB. Alpha is stored straight (unassociated) in every format.
/// Metadata: attributes that describe the source file (OIIO internals,
/// compression, strip layout, Exif pixel sizes) are not carried over; TIFF
/// keeps only the Exif tags libtiff 4.5 writes cleanly; EXR drops the ICC
/// profile; PNG refuses an ICC profile with a broken header.

/// The formats we write, by lower-case extension without the dot.
bool isWritableExtension(const std::string& extension);

/// Writes `image` to `path` atomically. Throws Error(Io) naming the file and
/// the cause, and Error(InvalidArgument) for impossible options.
void writeImage(const Image& image, const std::string& path, const WriteOptions& options = {});

/// A file being written row band by row band (a huge output streams to disk).
/// Rows must arrive in order from the top. Nothing appears at `path` until
/// finish() succeeds; destroying the writer before that removes the
/// temporary file and leaves any existing file untouched.
class ImageFileWriter {
public:
    /// `metadata` supplies the ICC profile and attributes to carry over (when
    /// options.keepMetadata) and the source sample type for bits = 0.
    ImageFileWriter(const std::string& path, int width, int height, int channels,
                    const ImageMetadata& metadata, const WriteOptions& options = {});
    ~ImageFileWriter();
    ImageFileWriter(const ImageFileWriter&) = delete;
    ImageFileWriter& operator=(const ImageFileWriter&) = delete;

    /// Appends `rowCount` rows of HWC float32 pixels (width * channels floats
    /// per row) starting at row `y`, which must be the next unwritten row.
    void writeRows(int y, int rowCount, const float* pixels);
    /// True when the file stores 8-bit samples of the channels as given (no
    /// channel dropped or premultiplied), so that rows rounded elsewhere
    /// (tiling/quantize_rows.h) can come through writeBytes.
    bool takesBytes() const;
    /// As writeRows, with 8-bit samples (width * channels bytes per row).
    void writeBytes(int y, int rowCount, const uint8_t* samples);
    /// Closes the temporary file and renames it into place. All rows must have
    /// been written.
    void finish();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace tessera

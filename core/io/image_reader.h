#pragma once
/// Reading images with OpenImageIO: any format it reads (PNG, JPEG, TIFF, EXR,
/// WebP, BMP, TGA, ...), 8/16-bit integer, half and float, converted to
/// float32 [0, 1] (float sources keep their values). Alpha comes back straight
/// (unassociated). Files with more than 4 channels are read as their first 4
/// (R, G, B, A in OIIO's order); the names of the others are recorded in the
/// string entry "tessera:DroppedChannels". Any error the decoder reports, even
/// with partial data, is an Error(Io) naming the file.

#include "image/image.h"

#include <cstdint>
#include <memory>
#include <string>

namespace tessera {

struct ReadOptions {
    /// Images with more pixels than this are refused before any pixel buffer
    /// is allocated (1 gigapixel by default).
    int64_t maxPixels = 1'000'000'000;
};

/// What the file's header says, without reading pixels.
struct ImageFileInfo {
    int width = 0;
    int height = 0;
    int channels = 0;
    ImageMetadata metadata; ///< includes sourceFormat, sourceSampleType and ICC
};

/// True for the extensions (lower case, without the dot) of the still-image
/// formats OpenImageIO reads here, from its own list: png, jpg, tif, exr, webp,
/// bmp, tga, dpx, camera raw and the rest its plugins bring. Video (ffmpeg),
/// volumes (openvdb) and OIIO's pseudo formats (null, term, zfile) are left
/// out, so a folder's listing holds only pictures.
bool isReadableExtension(const std::string& extension);

/// Reads only the header. Throws Error(Io) naming the file and the cause.
ImageFileInfo probeImage(const std::string& path);

/// Reads the whole image (first subimage, first mip level).
/// Throws Error(Io) for unreadable files and Error(InvalidArgument) past the
/// pixel limit.
Image readImage(const std::string& path, const ReadOptions& options = {});

/// An open image file for reading regions, so a huge input can be processed
/// band by band without holding it all in memory.
class ImageFileReader {
public:
    /// Opens `path`, reads its header, applies the pixel limit and reads the
    /// first row (a file without pixel data fails here, before any run).
    explicit ImageFileReader(const std::string& path, const ReadOptions& options = {});
    ~ImageFileReader();
    ImageFileReader(const ImageFileReader&) = delete;
    ImageFileReader& operator=(const ImageFileReader&) = delete;

    const ImageFileInfo& info() const;
    /// Reads the region [x, x + width) x [y, y + height), which must lie inside
    /// the image. The returned Image carries the file's metadata.
    Image readRegion(int x, int y, int width, int height);
    /// True when readRowBytes gives the file's rows exactly: 8-bit samples
    /// that readRegion turns into floats as byte * (1 / 255.0f) and nothing
    /// else (every 8-bit file but a WebP with alpha, whose colour is divided
    /// by alpha in float).
    bool readsBytes() const;
    /// Rows [y, y + height), the whole width, as 8-bit samples; only when
    /// readsBytes(). A quarter of readRegion's bytes and no conversion.
    void readRowBytes(int y, int height, uint8_t* samples);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace tessera

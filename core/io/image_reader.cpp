#include "io/image_reader.h"

#include "common/error.h"
#include "common/regular_file.h"
#include "io/oiio_metadata.h"

#include <OpenImageIO/imageio.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <new>
#include <set>
#include <string_view>

// Files with more than four channels (EXR with depth or normals, multispectral
// TIFF) are read as their first four channels: OIIO orders R, G, B, A first,
// so that is the picture. The dropped channel names are recorded in the entry
// "tessera:DroppedChannels" so `tessera-cli info` and the UI can say so.
//
// Alpha is read as stored (unassociated for PNG, TIFF, WebP: the hint
// "oiio:UnassociatedAlpha" stops OIIO from premultiplying), so a read followed
// by a write of the same format gives back the same pixels.

namespace tessera {

namespace {

constexpr int kMaxChannels = 4;

/// The first line of an error text, without trailing blanks: a reader that
/// fails on every strip of a file (a TIFF with no data) records one error per
/// strip, and the first says it all.
std::string trimmed(std::string text)
{
    text = text.substr(0, text.find('\n'));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text.empty() ? std::string("unknown error") : text;
}

[[noreturn]] void throwIo(const std::string& path, const std::string& cause)
{
    throw Error(ErrorCode::Io, path + ": " + trimmed(cause));
}

std::unique_ptr<OIIO::ImageInput> openInput(const std::string& path)
{
    // A FIFO or /dev/zero would make the decoder wait or read forever.
    requireRegularFile(path);
    OIIO::ImageSpec config;
    config.attribute("oiio:UnassociatedAlpha", 1);
    auto input = OIIO::ImageInput::open(path, &config);
    if (!input)
        throwIo(path, OIIO::geterror());
    return input;
}

// OIIO's "extension_list" reads "format:ext,ext;format:ext;...".
std::set<std::string> readableExtensions()
{
    static constexpr std::string_view kNotPictures[] = {"ffmpeg", "openvdb", "null", "term", "zfile"};
    std::set<std::string> extensions;
    const std::string list = OIIO::get_string_attribute("extension_list");
    size_t start = 0;
    while (start < list.size()) {
        size_t end = list.find(';', start);
        if (end == std::string::npos)
            end = list.size();
        const std::string_view entry(list.data() + start, end - start);
        start = end + 1;
        const size_t colon = entry.find(':');
        if (colon == std::string_view::npos
            || std::find(std::begin(kNotPictures), std::end(kNotPictures), entry.substr(0, colon))
                != std::end(kNotPictures))
            continue;
        std::string_view names = entry.substr(colon + 1);
        while (!names.empty()) {
            const size_t comma = std::min(names.find(','), names.size());
            extensions.emplace(names.substr(0, comma));
            names.remove_prefix(std::min(comma + 1, names.size()));
        }
    }
    return extensions;
}

std::string pixelCountText(int64_t count)
{
    if (count >= 1'000'000)
        return std::to_string(count / 1'000'000) + "." + std::to_string(count / 100'000 % 10)
            + " megapixels";
    return std::to_string(count) + " pixels";
}

// Checks the header against what we can hold, before any pixel is allocated.
ImageFileInfo describe(OIIO::ImageInput& input, const std::string& path, const ReadOptions& options)
{
    const OIIO::ImageSpec& spec = input.spec();
    // OIIO keeps sizes in an int: a side of 2^31 or more comes out negative.
    if (spec.width < 0 || spec.height < 0)
        throwIo(path, "the image is too large (a side over " + std::to_string(INT_MAX) + " pixels)");
    if (spec.width == 0 || spec.height == 0 || spec.nchannels <= 0)
        throwIo(path, "the header gives an empty size (" + std::to_string(spec.width) + "x"
                    + std::to_string(spec.height) + ", " + std::to_string(spec.nchannels)
                    + " channels)");
    if (spec.depth > 1)
        throwIo(path, "volume images (depth " + std::to_string(spec.depth) + ") are not supported");
    if (spec.deep)
        throwIo(path, "deep images are not supported");

    const int64_t pixels = int64_t(spec.width) * int64_t(spec.height);
    if (pixels > options.maxPixels)
        throw Error(ErrorCode::InvalidArgument,
                    path + ": the image is " + std::to_string(spec.width) + "x"
                        + std::to_string(spec.height) + " (" + pixelCountText(pixels)
                        + "), more than the limit of " + pixelCountText(options.maxPixels));

    ImageFileInfo info;
    info.width = spec.width;
    info.height = spec.height;
    info.channels = std::min(spec.nchannels, kMaxChannels);
    info.metadata = io::metadataFromSpec(spec, input.format_name());
    if (spec.nchannels > kMaxChannels) {
        std::string dropped;
        for (int c = kMaxChannels; c < spec.nchannels; ++c) {
            const std::string name = c < int(spec.channelnames.size()) ? spec.channelnames[c]
                                                                        : std::string("#") + std::to_string(c);
            dropped += (dropped.empty() ? "" : ", ") + name;
        }
        info.metadata.setString(std::string(io::kTesseraPrefix) + "DroppedChannels", dropped);
    }
    return info;
}

// OIIO 2.4's WebP reader premultiplies colour by alpha whatever the hint says
// (and its writer un-premultiplies in linear light; see image_writer.cpp):
// divide it back out so every format hands over straight alpha.
void unpremultiplyWebp(const std::string& formatName, int channels, float* pixels, size_t count)
{
    if (formatName != "webp" || channels != 4)
        return;
    for (size_t i = 0; i < count; ++i) {
        float* p = pixels + i * 4;
        if (p[3] > 0.0f)
            for (int c = 0; c < 3; ++c)
                p[c] = std::min(1.0f, p[c] / p[3]);
    }
}

// Any error OIIO recorded counts, even when the call reported success with
// partial data (some readers fill a truncated file's rest with grey).
void checkRead(OIIO::ImageInput& input, bool ok, const std::string& path)
{
    if (ok && !input.has_error())
        return;
    std::string cause = input.geterror();
    if (cause.empty())
        cause = OIIO::geterror();
    throwIo(path, cause);
}

Image allocate(int width, int height, int channels, const std::string& path)
{
    try {
        return Image(width, height, channels);
    } catch (const std::bad_alloc&) {
        throw Error(ErrorCode::OutOfMemory, path + ": not enough memory for "
                                                + std::to_string(width) + "x"
                                                + std::to_string(height) + " pixels");
    }
}

} // namespace

bool isReadableExtension(const std::string& extension)
{
    static const std::set<std::string> kExtensions = readableExtensions();
    return kExtensions.count(extension) > 0;
}

ImageFileInfo probeImage(const std::string& path)
{
    auto input = openInput(path);
    ReadOptions unlimited;
    unlimited.maxPixels = INT64_MAX;
    ImageFileInfo info = describe(*input, path, unlimited);
    input->close();
    return info;
}

Image readImage(const std::string& path, const ReadOptions& options)
{
    auto input = openInput(path);
    ImageFileInfo info = describe(*input, path, options);
    Image image = allocate(info.width, info.height, info.channels, path);
    const bool ok = input->read_image(0, 0, 0, info.channels, OIIO::TypeFloat, image.data());
    checkRead(*input, ok, path);
    input->close();
    unpremultiplyWebp(info.metadata.sourceFormat, info.channels, image.data(),
                      size_t(image.pixelCount()));
    image.metadata() = std::move(info.metadata);
    return image;
}

struct ImageFileReader::Impl {
    std::string path;
    std::unique_ptr<OIIO::ImageInput> input;
    ImageFileInfo info;
};

ImageFileReader::ImageFileReader(const std::string& path, const ReadOptions& options)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->path = path;
    m_impl->input = openInput(path);
    m_impl->info = describe(*m_impl->input, path, options);
    // The first row read now: a file whose pixel data is missing (a header
    // alone) fails here, before a run allocates buffers for its size.
    readRegion(0, 0, m_impl->info.width, 1);
}

ImageFileReader::~ImageFileReader() = default;

const ImageFileInfo& ImageFileReader::info() const
{
    return m_impl->info;
}

bool ImageFileReader::readsBytes() const
{
    const OIIO::ImageSpec& spec = m_impl->input->spec();
    // WebP's colour comes back premultiplied (unpremultiplyWebp divides it
    // out in float); every other 8-bit file's bytes are its samples.
    return spec.format == OIIO::TypeDesc::UINT8 && spec.channelformats.empty()
        && !(m_impl->info.metadata.sourceFormat == "webp" && m_impl->info.channels == 4);
}

namespace {

/// Rows [y, y + height) of an open file, every column, as `type` samples into `rows`.
void readWholeRows(OIIO::ImageInput& input, const ImageFileInfo& info, const std::string& path, int y, int height,
                   OIIO::TypeDesc type, void* rows)
{
    const OIIO::ImageSpec& spec = input.spec();
    const size_t rowBytes = size_t(info.width) * size_t(info.channels) * type.size();
    bool ok = false;
    if (spec.tile_width > 0) {
        // Whole rows of tiles, then the rows asked for.
        const int tileHeight = spec.tile_height;
        const int bandY = y / tileHeight * tileHeight;
        const int bandRows = std::min(info.height, (y + height + tileHeight - 1) / tileHeight * tileHeight) - bandY;
        std::vector<uint8_t> band;
        try {
            band.resize(rowBytes * size_t(bandRows));
        } catch (const std::bad_alloc&) {
            throw Error(ErrorCode::OutOfMemory, path + ": not enough memory for a band of "
                                                    + std::to_string(bandRows) + " rows");
        }
        ok = input.read_tiles(0, 0, spec.x, spec.x + spec.width, spec.y + bandY, spec.y + bandY + bandRows, spec.z,
                              spec.z + 1, 0, info.channels, type, band.data());
        checkRead(input, ok, path);
        std::memcpy(rows, band.data() + size_t(y - bandY) * rowBytes, rowBytes * size_t(height));
        return;
    }
    ok = input.read_scanlines(0, 0, spec.y + y, spec.y + y + height, spec.z, 0, info.channels, type, rows);
    checkRead(input, ok, path);
}

} // namespace

void ImageFileReader::readRowBytes(int y, int height, uint8_t* samples)
{
    const ImageFileInfo& info = m_impl->info;
    if (!readsBytes() || y < 0 || height <= 0 || y + int64_t(height) > info.height)
        throw Error(ErrorCode::Internal, m_impl->path + ": no 8-bit rows " + std::to_string(y) + " to "
                                             + std::to_string(y + int64_t(height)));
    readWholeRows(*m_impl->input, info, m_impl->path, y, height, OIIO::TypeDesc::UINT8, samples);
}

Image ImageFileReader::readRegion(int x, int y, int width, int height)
{
    const ImageFileInfo& info = m_impl->info;
    if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + int64_t(width) > info.width
        || y + int64_t(height) > info.height)
        throw Error(ErrorCode::InvalidArgument,
                    "region " + std::to_string(width) + "x" + std::to_string(height) + " at ("
                        + std::to_string(x) + ", " + std::to_string(y) + ") is outside "
                        + m_impl->path + " (" + std::to_string(info.width) + "x"
                        + std::to_string(info.height) + ")");
    const int channels = info.channels;
    const size_t rowFloats = size_t(info.width) * channels;
    // Whole rows are read, then the requested columns copied out.
    std::vector<float> band;
    try {
        band.resize(rowFloats * size_t(height));
    } catch (const std::bad_alloc&) {
        throw Error(ErrorCode::OutOfMemory, m_impl->path + ": not enough memory for a band of "
                                                + std::to_string(height) + " rows");
    }
    readWholeRows(*m_impl->input, info, m_impl->path, y, height, OIIO::TypeFloat, band.data());
    unpremultiplyWebp(info.metadata.sourceFormat, channels, band.data(), band.size() / size_t(channels));

    Image region = allocate(width, height, channels, m_impl->path);
    for (int row = 0; row < height; ++row) {
        const float* source = band.data() + size_t(row) * rowFloats + size_t(x) * channels;
        std::memcpy(region.row(row), source, sizeof(float) * size_t(width) * channels);
    }
    region.metadata() = info.metadata;
    return region;
}

} // namespace tessera

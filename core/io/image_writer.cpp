#include "io/image_writer.h"

#include "common/error.h"
#include "common/text.h"
#include "encode/png_encoder.h"
#include "io/oiio_metadata.h"
#include "io/temporary_files.h"

#include <OpenImageIO/filesystem.h>
#include <OpenImageIO/imageio.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <vector>

// Choices made here (WriteOptions documents the rest):
// - EXR stores half (bits 16) or float (bits 32); bits 8 is refused rather
//   than silently widened, so a script asking for 8-bit output learns that
//   EXR cannot hold it.
// - JPEG has no alpha: grey+alpha is written as grey and RGBA as RGB (the
//   colour channels as they are, not composited onto a background).
// - WebP (as OIIO writes it) needs colour: grey is written as RGB and
//   grey+alpha as RGBA.
// - Alpha is written unassociated (straight), as Image holds it; for EXR,
//   whose convention is premultiplied, the values are stored unchanged too,
//   so that PNG -> EXR -> PNG gives back the same pixels.
// - Integer formats get OIIO's conversion: clamped to [0, 1], then rounded
//   to the nearest step.
// - PNG pixels go through our own encoder (encode/png_encoder.h: deflate on
//   every core; libpng's one stream was the wall of large upscales), with the
//   metadata chunks OIIO writes for the same attributes (pngMetadataChunks).

namespace fs = std::filesystem;

namespace tessera {

namespace {

enum class Format { Png, Tiff, Exr, Jpeg, Webp };

struct FormatInfo {
    const char* name;
    Format format;
};

bool formatOf(const std::string& extension, Format& format)
{
    static constexpr FormatInfo kFormats[] = {
        {"png", Format::Png},  {"tif", Format::Tiff},  {"tiff", Format::Tiff},
        {"exr", Format::Exr},  {"jpg", Format::Jpeg},  {"jpeg", Format::Jpeg},
        {"webp", Format::Webp},
    };
    for (const FormatInfo& info : kFormats) {
        if (extension == info.name) {
            format = info.format;
            return true;
        }
    }
    return false;
}

const char* formatName(Format format)
{
    switch (format) {
    case Format::Png: return "PNG";
    case Format::Tiff: return "TIFF";
    case Format::Exr: return "EXR";
    case Format::Jpeg: return "JPEG";
    case Format::Webp: return "WebP";
    }
    return "?";
}

[[noreturn]] void throwInvalid(const std::string& path, const std::string& cause)
{
    throw Error(ErrorCode::InvalidArgument, path + ": " + cause);
}

[[noreturn]] void throwIo(const std::string& path, std::string cause)
{
    while (!cause.empty() && (cause.back() == '\n' || cause.back() == ' '))
        cause.pop_back();
    if (cause.empty())
        cause = "unknown error";
    throw Error(ErrorCode::Io, path + ": write failed: " + cause);
}

int chooseBits(Format format, int requested, SampleType source, const std::string& path)
{
    if (requested == 0) {
        const bool floatSource = source == SampleType::Half || source == SampleType::Float
            || source == SampleType::Other;
        switch (format) {
        case Format::Png: return source == SampleType::UInt8 ? 8 : 16;
        case Format::Tiff: return source == SampleType::UInt8 ? 8 : floatSource ? 32 : 16;
        case Format::Exr: return source == SampleType::Float || source == SampleType::Other ? 32 : 16;
        case Format::Jpeg:
        case Format::Webp: return 8;
        }
    }
    bool allowed = false;
    std::string allowedText;
    switch (format) {
    case Format::Png:
        allowed = requested == 8 || requested == 16;
        allowedText = "8 or 16 bits";
        break;
    case Format::Tiff:
        allowed = requested == 8 || requested == 16 || requested == 32;
        allowedText = "8, 16 or 32 (float) bits";
        break;
    case Format::Exr:
        allowed = requested == 16 || requested == 32;
        allowedText = "16 (half float) or 32 (float) bits";
        break;
    case Format::Jpeg:
    case Format::Webp:
        allowed = requested == 8;
        allowedText = "8 bits only";
        break;
    }
    if (!allowed)
        throwInvalid(path, std::string(formatName(format)) + " stores " + allowedText
                               + " per sample, not " + std::to_string(requested));
    return requested;
}

OIIO::TypeDesc pixelType(Format format, int bits)
{
    if (bits == 8)
        return OIIO::TypeDesc::UINT8;
    if (bits == 16)
        return format == Format::Exr ? OIIO::TypeDesc::HALF : OIIO::TypeDesc::UINT16;
    return OIIO::TypeDesc::FLOAT;
}

// The "Compression" attribute for the format, after checking the name, so a
// typo is an error rather than a silently different file.
std::string compressionAttribute(Format format, const WriteOptions& options, const std::string& path)
{
    const std::string& requested = options.compression;
    if (format == Format::Jpeg || format == Format::Webp) {
        if (!requested.empty())
            throwInvalid(path, std::string(formatName(format))
                                   + " takes a quality, not a compression name");
        if (options.quality < 1 || options.quality > 100)
            throwInvalid(path, "quality must be 1-100, not " + std::to_string(options.quality));
        return std::string(format == Format::Jpeg ? "jpeg:" : "webp:")
            + std::to_string(options.quality);
    }

    std::vector<std::string> names;
    std::string fallback;
    switch (format) {
    case Format::Png:
        names = {"zip", "none"};
        fallback = "zip";
        break;
    case Format::Tiff:
        names = {"zip", "lzw", "packbits", "none"};
        fallback = "zip";
        break;
    case Format::Exr:
        names = {"zip", "zips", "piz", "rle", "pxr24", "b44", "b44a", "dwaa", "dwab", "none"};
        fallback = "zip";
        break;
    default: break;
    }
    if (requested.empty())
        return fallback;

    // "name" or "name:level" (zip:9, dwaa:45).
    std::string name = toLower(requested);
    std::string level;
    if (const size_t colon = name.find(':'); colon != std::string::npos) {
        level = name.substr(colon + 1);
        name.erase(colon);
        const bool numeric = !level.empty() && level.size() <= 3
            && std::all_of(level.begin(), level.end(), [](unsigned char c) { return std::isdigit(c); });
        if (!numeric)
            throwInvalid(path, "compression level '" + level + "' is not a number");
    }
    if (std::find(names.begin(), names.end(), name) == names.end()) {
        std::string list;
        for (const std::string& known : names)
            list += (list.empty() ? "" : ", ") + known;
        throwInvalid(path, "unknown " + std::string(formatName(format)) + " compression '"
                               + requested + "' (known: " + list + ")");
    }
    if (format == Format::Png && name == "none")
        return "zip:0"; // PNG always deflates; level 0 stores the data uncompressed
    return level.empty() ? name : name + ":" + level;
}

// Which source channel feeds each written channel (see the notes on top).
std::vector<int> channelMap(Format format, int channels)
{
    if (format == Format::Jpeg) {
        if (channels == 2)
            return {0};
        if (channels == 4)
            return {0, 1, 2};
    }
    if (format == Format::Webp) {
        if (channels == 1)
            return {0, 0, 0};
        if (channels == 2)
            return {0, 0, 0, 1};
    }
    std::vector<int> identity(static_cast<size_t>(channels));
    for (int c = 0; c < channels; ++c)
        identity[size_t(c)] = c;
    return identity;
}

// OIIO 2.4 with libtiff 4.5 fails the whole TIFF write ("failed
// TIFFWriteCustomDirectory() of the Exif data") for some Exif tags, among
// them ExposureTime, FNumber, ISOSpeedRatings, UserComment and every GPS tag.
// TIFF therefore keeps only the Exif tags checked to write cleanly.
bool isTiffSafeExif(std::string_view tag)
{
    static constexpr std::string_view kSafe[] = {
        "DateTimeOriginal",    "DateTimeDigitized",    "SubsecTime",
        "SubsecTimeOriginal",  "SubsecTimeDigitized",  "OffsetTime",
        "Flash",               "FocalLength",          "FocalLengthIn35mmFilm",
        "LensMake",            "LensModel",            "LensSerialNumber",
        "BodySerialNumber",    "CameraOwnerName",      "ImageUniqueID",
        "ColorSpace",          "ExposureProgram",      "ExposureMode",
        "ExposureBiasValue",   "ShutterSpeedValue",    "ApertureValue",
        "MaxApertureValue",    "BrightnessValue",      "MeteringMode",
        "LightSource",         "WhiteBalance",         "SceneCaptureType",
        "Contrast",            "Saturation",           "Sharpness",
        "DigitalZoomRatio",    "CustomRendered",       "SensingMethod",
    };
    return std::find(std::begin(kSafe), std::end(kSafe), tag) != std::end(kSafe);
}

void dropUnsafeTiffExif(OIIO::ImageSpec& spec)
{
    std::vector<std::string> unsafe;
    for (const OIIO::ParamValue& param : spec.extra_attribs) {
        const std::string& name = param.name().string();
        if (name.rfind("GPS:", 0) == 0 || (name.rfind("Exif:", 0) == 0 && !isTiffSafeExif(std::string_view(name).substr(5))))
            unsafe.push_back(name);
    }
    for (const std::string& name : unsafe)
        spec.erase_attribute(name);
}

// libpng checks an ICC profile's header and fails the whole write on a bad
// one; say so up front, in words. (TIFF and JPEG store the bytes as given.)
std::string iccProblem(const std::vector<uint8_t>& icc)
{
    if (icc.size() < 132)
        return "it has " + std::to_string(icc.size()) + " bytes, fewer than an ICC header";
    const uint32_t declared = uint32_t(icc[0]) << 24 | uint32_t(icc[1]) << 16 | uint32_t(icc[2]) << 8 | icc[3];
    if (declared != icc.size())
        return "its header says " + std::to_string(declared) + " bytes but it has "
            + std::to_string(icc.size());
    if (icc[36] != 'a' || icc[37] != 'c' || icc[38] != 's' || icc[39] != 'p')
        return "it lacks the 'acsp' signature";
    return {};
}

bool hasExif(const OIIO::ImageSpec& spec)
{
    for (const OIIO::ParamValue& param : spec.extra_attribs) {
        const std::string& name = param.name().string();
        if (name.rfind("Exif:", 0) == 0 || name.rfind("GPS:", 0) == 0)
            return true;
    }
    return false;
}

float srgbToLinear(float c)
{
    return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
}

float linearToSrgb(float c)
{
    return c <= 0.0031308f ? c * 12.92f : 1.055f * std::pow(c, 1.0f / 2.4f) - 0.055f;
}

// OIIO 2.4's WebP writer ignores "oiio:UnassociatedAlpha": it takes RGBA as
// premultiplied and divides by alpha in linear light before encoding. To
// store our straight colours, premultiply the same way first.
void premultiplyForWebp(float* rgba, size_t pixels)
{
    for (size_t i = 0; i < pixels; ++i) {
        float* p = rgba + i * 4;
        const float alpha = std::clamp(p[3], 0.0f, 1.0f);
        for (int c = 0; c < 3; ++c)
            p[c] = linearToSrgb(srgbToLinear(std::clamp(p[c], 0.0f, 1.0f)) * alpha);
    }
}

uint32_t bigEndian32(const unsigned char* p)
{
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

// The chunks OIIO writes for `spec`'s metadata (ICC profile, text, Exif,
// resolution, colour space), cut from a 1x1 PNG it writes to memory with the
// same attributes: our encoder writes the pixels and OIIO still decides how
// metadata is stored, so a PNG keeps exactly what OIIO would keep.
struct PngMetadataChunks {
    std::vector<uint8_t> beforeData, afterData;
};

PngMetadataChunks pngMetadataChunks(const OIIO::ImageSpec& spec, const std::string& path)
{
    OIIO::ImageSpec tiny = spec;
    tiny.width = tiny.height = tiny.full_width = tiny.full_height = 1;
    tiny.x = tiny.y = tiny.full_x = tiny.full_y = 0;
    std::vector<unsigned char> bytes;
    OIIO::Filesystem::IOVecOutput proxy(bytes);
    std::unique_ptr<OIIO::ImageOutput> output = OIIO::ImageOutput::create("png");
    if (!output || !output->supports("ioproxy"))
        throwIo(path, "this OpenImageIO cannot write PNG metadata to memory");
    output->set_ioproxy(&proxy);
    const std::vector<float> pixel(size_t(spec.nchannels), 0.0f);
    if (!output->open("metadata.png", tiny) || !output->write_scanline(0, 0, OIIO::TypeFloat, pixel.data())
        || !output->close())
        throwIo(path, output->geterror());
    PngMetadataChunks chunks;
    bool afterData = false;
    for (size_t at = 8; at + 12 <= bytes.size();) {
        const size_t size = 12 + size_t(bigEndian32(bytes.data() + at));
        if (at + size > bytes.size())
            break;
        const std::string type(reinterpret_cast<const char*>(bytes.data() + at + 4), 4);
        if (type == "IDAT")
            afterData = true;
        else if (type != "IHDR" && type != "IEND") {
            std::vector<uint8_t>& into = afterData ? chunks.afterData : chunks.beforeData;
            into.insert(into.end(), bytes.begin() + std::ptrdiff_t(at), bytes.begin() + std::ptrdiff_t(at + size));
        }
        at += size;
    }
    return chunks;
}

// The deflate level of a checked PNG compression attribute ("zip" or "zip:N");
// plain "zip" is PngEncoderSettings' default level.
int pngLevel(const std::string& compression)
{
    const size_t colon = compression.find(':');
    return colon == std::string::npos ? PngEncoderSettings{}.level
                                      : std::clamp(std::stoi(compression.substr(colon + 1)), 0, 9);
}

std::string randomSuffix()
{
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device device;
    std::uniform_int_distribution<int> pick(0, int(sizeof(kAlphabet)) - 2);
    std::string suffix;
    for (int i = 0; i < 8; ++i)
        suffix += kAlphabet[pick(device)];
    return suffix;
}

struct ReservedFile {
    fs::path path;
    int slot = -1; ///< on the signal cleanup list (io/temporary_files.h)
};

// Creates an empty, uniquely named file beside `destination` with the same
// (lower-case) extension, so OIIO picks the same format for it. The name is
// put on the signal cleanup list before the file exists, so a SIGTERM at any
// moment after creation removes it.
ReservedFile reserveTemporary(const fs::path& destination, const std::string& extension)
{
    fs::path folder = destination.parent_path();
    if (folder.empty())
        folder = ".";
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throwIo(destination.string(), "the folder " + folder.string() + " does not exist");
    for (int attempt = 0; attempt < 16; ++attempt) {
        const fs::path candidate = folder
            / (std::string(".") + destination.stem().string() + ".tmp-" + randomSuffix() + "." + extension);
        // Absolute: the handler must find it whatever the working folder is then.
        const int slot = registerTemporaryFile(fs::absolute(candidate, ec).string());
        // "x": fail if the name exists, so two writers never share a file.
        if (std::FILE* file = std::fopen(candidate.c_str(), "wbx")) {
            std::fclose(file);
            return {candidate, slot};
        }
        const int cause = errno;
        unregisterTemporaryFile(slot);
        if (cause != EEXIST)
            throwIo(destination.string(), "cannot create a file in " + folder.string() + " ("
                                              + std::error_code(cause, std::generic_category()).message()
                                              + ")");
    }
    throwIo(destination.string(), "cannot find a free temporary file name in " + folder.string());
}

} // namespace

bool isWritableExtension(const std::string& extension)
{
    std::string lower = toLower(extension);
    if (!lower.empty() && lower.front() == '.')
        lower.erase(0, 1);
    Format format;
    return formatOf(lower, format);
}

struct ImageFileWriter::Impl {
    fs::path destination;
    fs::path temporary;
    int temporarySlot = -1; ///< the temporary file's place on the signal cleanup list
    std::unique_ptr<OIIO::ImageOutput> output; ///< every format but PNG
    std::FILE* pngFile = nullptr;               ///< PNG: the temporary file, written by pngEncoder
    std::unique_ptr<PngEncoder> pngEncoder;
    int width = 0;
    int height = 0;
    int channels = 0;
    std::vector<int> map; ///< source channel of each written channel
    bool webpAlpha = false; ///< see premultiplyForWebp
    int bits = 8;  ///< stored bits per sample
    int nextRow = 0;
    bool finished = false;
    bool failed = false;

    void checkNextRows(int y, int rowCount) const
    {
        if (failed || finished)
            throw Error(ErrorCode::Internal, "writing rows to " + name()
                                                 + (failed ? " after a failure" : " after finish()"));
        if (y != nextRow || rowCount <= 0 || y + int64_t(rowCount) > height)
            throw Error(ErrorCode::InvalidArgument,
                        "rows " + std::to_string(y) + "-" + std::to_string(y + rowCount - 1) + " of " + name()
                            + " arrive out of order (next row: " + std::to_string(nextRow) + ", height "
                            + std::to_string(height) + ")");
    }

    std::string name() const { return destination.string(); }

    // Closes and deletes the temporary file; the destination is untouched.
    void discard()
    {
        if (output) {
            output->close();
            output->geterror(); // the cause, if any, was already reported
            output.reset();
        }
        pngEncoder.reset(); // joins its workers
        if (pngFile) {
            std::fclose(pngFile);
            pngFile = nullptr;
        }
        if (!temporary.empty()) {
            std::error_code ec;
            fs::remove(temporary, ec);
            temporary.clear();
            unregisterTemporaryFile(temporarySlot); // only once it is gone
            temporarySlot = -1;
        }
    }

    [[noreturn]] void fail(const std::string& cause)
    {
        failed = true;
        discard();
        throwIo(name(), cause);
    }
};

ImageFileWriter::ImageFileWriter(const std::string& path, int width, int height, int channels,
                                 const ImageMetadata& metadata, const WriteOptions& options)
    : m_impl(std::make_unique<Impl>())
{
    Impl& impl = *m_impl;
    impl.destination = path;
    impl.width = width;
    impl.height = height;
    impl.channels = channels;

    const std::string extension = lowerExtension(path);
    Format format;
    if (!formatOf(extension, format))
        throwInvalid(path, "unknown output format '" + extension
                               + "' (use .png, .tif, .tiff, .exr, .jpg, .jpeg or .webp)");
    if (width <= 0 || height <= 0)
        throwInvalid(path, "the image is empty (" + std::to_string(width) + "x"
                               + std::to_string(height) + ")");
    if (channels < 1 || channels > 4)
        throwInvalid(path, "images have 1 to 4 channels, not " + std::to_string(channels));
    // libjpeg ends the whole process (exit) on a too-large image, and libwebp
    // fails only at the end: refuse their size limits up front.
    const int maxSide = format == Format::Jpeg ? 65500 : format == Format::Webp ? 16383 : 0;
    if (maxSide > 0 && (width > maxSide || height > maxSide))
        throwInvalid(path, std::string(formatName(format)) + " images can be at most "
                               + std::to_string(maxSide) + " pixels wide and high, not "
                               + std::to_string(width) + "x" + std::to_string(height));
    const int bits = chooseBits(format, options.bits, metadata.sourceSampleType, path);
    impl.bits = bits;
    if (format == Format::Png && options.keepMetadata && !metadata.iccProfile.empty()) {
        if (const std::string problem = iccProblem(metadata.iccProfile); !problem.empty())
            throwInvalid(path, "PNG needs a valid ICC profile and the image's is not (" + problem
                                   + "); write without metadata or to TIFF");
    }
    const std::string compression = compressionAttribute(format, options, path);
    std::error_code ec;
    if (fs::is_directory(impl.destination, ec))
        throwIo(path, "it is a folder");

    impl.map = channelMap(format, channels);
    const int written = int(impl.map.size());
    impl.webpAlpha = format == Format::Webp && written == 4;
    OIIO::ImageSpec spec(width, height, written, pixelType(format, bits));
    static const std::vector<std::string> kNames[] = {
        {"Y"}, {"Y", "A"}, {"R", "G", "B"}, {"R", "G", "B", "A"}};
    spec.channelnames = kNames[written - 1];
    spec.alpha_channel = written == 2 || written == 4 ? written - 1 : -1;
    if (options.keepMetadata)
        io::applyMetadataToSpec(metadata, spec);
    // Ours come last so the source's values cannot override them.
    spec.attribute("Compression", compression);
    if (spec.alpha_channel >= 0)
        spec.attribute("oiio:UnassociatedAlpha", 1);
    if (format == Format::Exr)
        spec.erase_attribute("ICCProfile"); // OIIO 2.4's EXR writer cannot store it
    if (format == Format::Tiff)
        dropUnsafeTiffExif(spec);
    if (format == Format::Tiff && !hasExif(spec)) {
        // OIIO 2.4 with libtiff 4.5 writes an empty Exif directory when there
        // is no Exif data and reports that as an error: skip it then.
        spec.attribute("tiff:write_exif", 0);
    }

    ReservedFile reserved = reserveTemporary(impl.destination, extension);
    impl.temporary = std::move(reserved.path);
    impl.temporarySlot = reserved.slot;
    if (format == Format::Png) {
        try {
            PngMetadataChunks chunks = pngMetadataChunks(spec, path);
            impl.pngFile = std::fopen(impl.temporary.c_str(), "wb");
            if (!impl.pngFile)
                impl.fail(std::strerror(errno));
            PngEncoderSettings settings;
            settings.width = width;
            settings.height = height;
            settings.channels = written;
            settings.bits = bits;
            settings.level = pngLevel(compression);
            settings.chunksBeforeData = std::move(chunks.beforeData);
            settings.chunksAfterData = std::move(chunks.afterData);
            std::FILE* file = impl.pngFile;
            impl.pngEncoder = std::make_unique<PngEncoder>(settings, [file](const uint8_t* bytes, size_t size) {
                if (std::fwrite(bytes, 1, size, file) != size)
                    throw std::runtime_error(std::strerror(errno));
            });
        } catch (const Error&) {
            impl.failed = true;
            impl.discard();
            throw;
        } catch (const std::exception& error) {
            impl.fail(error.what());
        }
        return;
    }
    impl.output = OIIO::ImageOutput::create(impl.temporary.string());
    if (!impl.output)
        impl.fail(OIIO::geterror());
    if (!impl.output->open(impl.temporary.string(), spec))
        impl.fail(impl.output->geterror());
}

ImageFileWriter::~ImageFileWriter()
{
    if (!m_impl->finished)
        m_impl->discard();
}

void ImageFileWriter::writeRows(int y, int rowCount, const float* pixels)
{
    Impl& impl = *m_impl;
    impl.checkNextRows(y, rowCount);

    const int written = int(impl.map.size());
    const bool identity = written == impl.channels && !impl.webpAlpha;
    std::vector<float> remapped;
    const float* source = pixels;
    if (!identity) {
        const size_t count = size_t(impl.width) * size_t(rowCount);
        remapped.resize(count * size_t(written));
        for (size_t i = 0; i < count; ++i)
            for (int c = 0; c < written; ++c)
                remapped[i * written + size_t(c)] = pixels[i * impl.channels + size_t(impl.map[size_t(c)])];
        if (impl.webpAlpha)
            premultiplyForWebp(remapped.data(), count);
        source = remapped.data();
    }
    if (impl.pngEncoder) {
        try {
            impl.pngEncoder->writeRows(rowCount, source);
        } catch (const std::exception& error) {
            impl.fail(error.what());
        }
    } else {
        const bool ok = impl.output->write_scanlines(y, y + rowCount, 0, OIIO::TypeFloat, source);
        if (!ok || impl.output->has_error())
            impl.fail(impl.output->geterror());
    }
    impl.nextRow = y + rowCount;
}

bool ImageFileWriter::takesBytes() const
{
    const Impl& impl = *m_impl;
    return impl.bits == 8 && int(impl.map.size()) == impl.channels && !impl.webpAlpha;
}

void ImageFileWriter::writeBytes(int y, int rowCount, const uint8_t* samples)
{
    Impl& impl = *m_impl;
    if (!takesBytes())
        throw Error(ErrorCode::Internal, "8-bit rows for " + impl.name() + ", which does not store them as given");
    impl.checkNextRows(y, rowCount);
    if (impl.pngEncoder) {
        try {
            impl.pngEncoder->writeBytes(rowCount, samples);
        } catch (const std::exception& error) {
            impl.fail(error.what());
        }
    } else {
        const bool ok = impl.output->write_scanlines(y, y + rowCount, 0, OIIO::TypeDesc::UINT8, samples);
        if (!ok || impl.output->has_error())
            impl.fail(impl.output->geterror());
    }
    impl.nextRow = y + rowCount;
}

void ImageFileWriter::finish()
{
    Impl& impl = *m_impl;
    if (impl.failed || impl.finished)
        throw Error(ErrorCode::Internal, "finish() called twice or after a failure for " + impl.name());
    if (impl.nextRow != impl.height)
        throw Error(ErrorCode::InvalidArgument,
                    "only " + std::to_string(impl.nextRow) + " of " + std::to_string(impl.height)
                        + " rows were written to " + impl.name());
    if (impl.pngEncoder) {
        try {
            impl.pngEncoder->finish();
        } catch (const std::exception& error) {
            impl.fail(error.what());
        }
        impl.pngEncoder.reset();
        // A full disk may show only when the buffered bytes reach it.
        const bool flushed = std::fflush(impl.pngFile) == 0;
        const int cause = errno;
        const bool closed = std::fclose(impl.pngFile) == 0;
        impl.pngFile = nullptr;
        if (!flushed || !closed)
            impl.fail(std::strerror(flushed ? errno : cause));
    } else {
        // Formats that encode at the end (WebP) report most failures here.
        const bool closed = impl.output->close();
        if (!closed || impl.output->has_error())
            impl.fail(impl.output->geterror());
        impl.output.reset();
    }

    std::error_code ec;
    const auto previous = fs::status(impl.destination, ec);
    if (fs::exists(previous))
        fs::permissions(impl.temporary, previous.permissions(), ec); // keep the file's mode
    fs::rename(impl.temporary, impl.destination, ec);
    if (ec)
        impl.fail(ec.message());
    impl.temporary.clear();
    unregisterTemporaryFile(impl.temporarySlot); // only once renamed
    impl.temporarySlot = -1;
    impl.finished = true;
}

void writeImage(const Image& image, const std::string& path, const WriteOptions& options)
{
    ImageFileWriter writer(path, image.width(), image.height(), image.channels(), image.metadata(),
                           options);
    writer.writeRows(0, image.height(), image.data());
    writer.finish();
}

} // namespace tessera

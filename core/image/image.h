#pragma once
/// The image type that flows through Tessera: an owned float32 buffer in
/// height x width x channels order (HWC, rows top to bottom), 1-4 channels,
/// values nominally in [0, 1] (float sources may exceed it), with the facts
/// about its source that an export needs to carry over (bit depth, format,
/// metadata, ICC profile).

#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

/// How the pixels were stored in the file they came from.
enum class SampleType { UInt8, UInt16, Half, Float, Other };

/// Bits per sample of a SampleType (8, 16, 16, 32).
int sampleBits(SampleType type);
const char* sampleTypeName(SampleType type);

/// One metadata attribute, kept in a form that survives a round trip through
/// any writer: the OpenImageIO type name ("string", "int", "float",
/// "rational2i", "uint8[4]", ...) and the raw bytes of the value.
struct MetadataEntry {
    std::string name;     ///< "Exif:DateTimeOriginal", "ImageDescription", ...
    std::string typeName; ///< OpenImageIO TypeDesc spelled as text
    std::vector<uint8_t> bytes;
    std::string display;  ///< the value as a person reads it
};

struct ImageMetadata {
    std::vector<MetadataEntry> entries;
    std::vector<uint8_t> iccProfile;     ///< empty when the file had none
    std::string sourceFormat;            ///< "png", "jpeg", "openexr", "tiff", ...
    SampleType sourceSampleType = SampleType::UInt8;

    /// The entry with this name, or nullptr.
    const MetadataEntry* find(const std::string& name) const;
    /// Adds or replaces a string attribute.
    void setString(const std::string& name, const std::string& value);
};

class Image {
public:
    Image() = default;
    /// A zero-filled image; throws Error(InvalidArgument) for channels outside
    /// 1-4 or negative sizes.
    Image(int width, int height, int channels);

    int width() const { return m_width; }
    int height() const { return m_height; }
    int channels() const { return m_channels; }
    bool isEmpty() const { return m_width == 0 || m_height == 0; }
    /// Grey+alpha (2 channels) and RGBA (4 channels) carry alpha last.
    bool hasAlpha() const { return m_channels == 2 || m_channels == 4; }
    int64_t pixelCount() const { return int64_t(m_width) * m_height; }

    float* data() { return m_pixels.data(); }
    const float* data() const { return m_pixels.data(); }
    float* row(int y) { return m_pixels.data() + int64_t(y) * m_width * m_channels; }
    const float* row(int y) const { return m_pixels.data() + int64_t(y) * m_width * m_channels; }
    float& at(int x, int y, int c) { return row(y)[int64_t(x) * m_channels + c]; }
    float at(int x, int y, int c) const { return row(y)[int64_t(x) * m_channels + c]; }

    ImageMetadata& metadata() { return m_metadata; }
    const ImageMetadata& metadata() const { return m_metadata; }

private:
    int m_width = 0;
    int m_height = 0;
    int m_channels = 0;
    std::vector<float> m_pixels;
    ImageMetadata m_metadata;
};

} // namespace tessera

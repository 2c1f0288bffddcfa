#include "image/image.h"

#include "common/error.h"

namespace tessera {

int sampleBits(SampleType type)
{
    switch (type) {
    case SampleType::UInt8: return 8;
    case SampleType::UInt16: return 16;
    case SampleType::Half: return 16;
    case SampleType::Float: return 32;
    case SampleType::Other: return 32;
    }
    return 32;
}

const char* sampleTypeName(SampleType type)
{
    switch (type) {
    case SampleType::UInt8: return "8-bit";
    case SampleType::UInt16: return "16-bit";
    case SampleType::Half: return "16-bit half float";
    case SampleType::Float: return "32-bit float";
    case SampleType::Other: return "other";
    }
    return "other";
}

const MetadataEntry* ImageMetadata::find(const std::string& name) const
{
    for (const MetadataEntry& entry : entries)
        if (entry.name == name)
            return &entry;
    return nullptr;
}

void ImageMetadata::setString(const std::string& name, const std::string& value)
{
    MetadataEntry entry{name, "string", {value.begin(), value.end()}, value};
    for (MetadataEntry& existing : entries) {
        if (existing.name == name) {
            existing = std::move(entry);
            return;
        }
    }
    entries.push_back(std::move(entry));
}

Image::Image(int width, int height, int channels)
    : m_width(width), m_height(height), m_channels(channels)
{
    if (width < 0 || height < 0)
        throw Error(ErrorCode::InvalidArgument, "image size cannot be negative");
    if (channels < 1 || channels > 4)
        throw Error(ErrorCode::InvalidArgument,
                    "images have 1 to 4 channels, not " + std::to_string(channels));
    m_pixels.assign(size_t(width) * size_t(height) * size_t(channels), 0.0f);
}

} // namespace tessera

#include "io/oiio_metadata.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace tessera::io {

namespace {

constexpr std::string_view kIccName = "ICCProfile";
/// Long binary values (maker notes, XMP) would flood a listing.
constexpr size_t kMaxDisplayLength = 240;

bool startsWith(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

// Attributes that describe the source file rather than the picture: passing
// them to a writer would misdescribe the new file (its compression, strip
// layout, pixel size) or change how it encodes. "ICCProfile:*" are OIIO's
// decoding of the profile's header, made again from the profile on reading.
bool isSourceOnly(std::string_view name)
{
    if (startsWith(name, "oiio:") || startsWith(name, kTesseraPrefix) || startsWith(name, "tiff:")
        || startsWith(name, "thumbnail_") || startsWith(name, "ICCProfile:"))
        return true;
    static constexpr std::string_view kNames[] = {
        "ICCProfile",           "Compression",          "compression",
        "CompressionQuality",   "planarconfig",         "openexr:chunkCount",
        "Exif:PixelXDimension", "Exif:PixelYDimension",
    };
    for (std::string_view skip : kNames)
        if (name == skip)
            return true;
    return false;
}

} // namespace

SampleType sampleTypeOf(OIIO::TypeDesc format)
{
    switch (format.basetype) {
    case OIIO::TypeDesc::UINT8: return SampleType::UInt8;
    case OIIO::TypeDesc::UINT16: return SampleType::UInt16;
    case OIIO::TypeDesc::HALF: return SampleType::Half;
    case OIIO::TypeDesc::FLOAT: return SampleType::Float;
    default: return SampleType::Other;
    }
}

ImageMetadata metadataFromSpec(const OIIO::ImageSpec& spec, const std::string& formatName)
{
    ImageMetadata metadata;
    metadata.sourceFormat = formatName;
    metadata.sourceSampleType = sampleTypeOf(spec.format);

    for (const OIIO::ParamValue& param : spec.extra_attribs) {
        const std::string name = param.name().string();
        const auto* data = static_cast<const uint8_t*>(param.data());
        if (name == kIccName) {
            metadata.iccProfile.assign(data, data + param.datasize());
            continue;
        }
        // Several values of one type become one array type, so that the
        // type name alone says how many bytes belong to the value.
        OIIO::TypeDesc type = param.type();
        if (param.nvalues() > 1)
            type.arraylen = std::max(type.arraylen, 1) * param.nvalues();

        MetadataEntry entry;
        entry.name = name;
        entry.typeName = type.c_str();
        if (type.basetype == OIIO::TypeDesc::STRING) {
            // Strings are stored as pointers to interned text: keep the text.
            // One string is its bytes; an array is each string NUL-terminated.
            const auto* strings = reinterpret_cast<const char* const*>(param.data());
            const int count = int(type.numelements()) * int(type.aggregate);
            for (int i = 0; i < count; ++i) {
                const char* text = strings[i] ? strings[i] : "";
                entry.bytes.insert(entry.bytes.end(), text, text + std::strlen(text));
                if (count > 1)
                    entry.bytes.push_back(0);
            }
        } else {
            entry.bytes.assign(data, data + param.datasize());
        }
        // A single string reads best as itself, without OIIO's quotes.
        if (type.basetype == OIIO::TypeDesc::STRING && type.numelements() * type.aggregate == 1)
            entry.display.assign(entry.bytes.begin(), entry.bytes.end());
        else
            entry.display = OIIO::ImageSpec::metadata_val(param, true);
        if (entry.display.size() > kMaxDisplayLength)
            entry.display = entry.display.substr(0, kMaxDisplayLength) + "...";
        metadata.entries.push_back(std::move(entry));
    }
    return metadata;
}

void applyMetadataToSpec(const ImageMetadata& metadata, OIIO::ImageSpec& spec)
{
    for (const MetadataEntry& entry : metadata.entries) {
        if (isSourceOnly(entry.name))
            continue;
        const OIIO::TypeDesc type(entry.typeName);
        if (type.basetype == OIIO::TypeDesc::UNKNOWN || type.basetype == OIIO::TypeDesc::NONE)
            continue;
        if (type.basetype == OIIO::TypeDesc::STRING) {
            const std::string text(entry.bytes.begin(), entry.bytes.end());
            const size_t count = type.numelements() * type.aggregate;
            if (count == 1) {
                spec.attribute(entry.name, text);
                continue;
            }
            // NUL-terminated strings, one per element (see metadataFromSpec).
            std::vector<std::string> parts;
            size_t start = 0;
            for (size_t end = text.find('\0'); end != std::string::npos; end = text.find('\0', start)) {
                parts.push_back(text.substr(start, end - start));
                start = end + 1;
            }
            if (parts.size() != count || start != text.size())
                continue;
            std::vector<OIIO::ustring> interned(parts.begin(), parts.end());
            spec.attribute(entry.name, type, interned.data());
            continue;
        }
        if (entry.bytes.size() != type.size())
            continue;
        spec.attribute(entry.name, type, entry.bytes.data());
    }
    if (!metadata.iccProfile.empty()) {
        const OIIO::TypeDesc type(OIIO::TypeDesc::UINT8, int(metadata.iccProfile.size()));
        spec.attribute(std::string(kIccName), type, metadata.iccProfile.data());
    }
}

} // namespace tessera::io

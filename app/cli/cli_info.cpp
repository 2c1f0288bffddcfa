// tessera-cli info FILE: what the file's header says (no pixels are read).

#include "cli/commands.h"
#include "io/image_reader.h"

#include <iostream>
#include <sstream>
#include <string_view>

namespace tessera::cli {

namespace {

constexpr const char* kInfoUsage = "Usage: tessera-cli info FILE\n"
                                   "Shows size, channels, bit depth, format, ICC profile and key metadata.\n";

// The attributes a person usually looks for, in the order shown.
constexpr std::string_view kKeyAttributes[] = {
    "ImageDescription", "Software",    "Artist",         "Copyright",
    "DateTime",         "Exif:DateTimeOriginal",          "Make",
    "Model",            "XResolution", "YResolution",    "ResolutionUnit",
    "compression",      "Orientation",
};

const char* channelLayout(int channels)
{
    switch (channels) {
    case 1: return "grey";
    case 2: return "grey + alpha";
    case 3: return "RGB";
    case 4: return "RGBA";
    }
    return "?";
}

/// The generation parameters image tools write (prompt, seed, sampler ...), PNG text "parameters".
constexpr std::string_view kGenerationAttribute = "parameters";

bool isKey(std::string_view name)
{
    if (name == kGenerationAttribute)
        return true;
    for (std::string_view key : kKeyAttributes)
        if (name == key)
            return true;
    return false;
}

// Entries that are not the file's own metadata: our notes and OIIO's
// decoding of the ICC header (shown as the profile line instead).
bool isDerived(std::string_view name)
{
    return name.substr(0, 8) == "tessera:" || name.substr(0, 11) == "ICCProfile:";
}

} // namespace

int runInfo(const Args& args)
{
    std::string path;
    for (const std::string& arg : args) {
        if (arg == "--help" || arg == "-h") {
            std::cout << kInfoUsage;
            return kExitOk;
        }
        if (arg.size() > 1 && arg[0] == '-')
            throw UsageError{"unknown option '" + arg + "'"};
        if (!path.empty())
            throw UsageError{"info takes one file, got '" + path + "' and '" + arg + "'"};
        path = arg;
    }
    if (path.empty())
        throw UsageError{"info needs a FILE"};

    const ImageFileInfo info = probeImage(path);
    const ImageMetadata& metadata = info.metadata;
    const bool alpha = info.channels == 2 || info.channels == 4;

    std::cout << "File:        " << path << "\n"
              << "Format:      " << metadata.sourceFormat << "\n"
              << "Size:        " << info.width << " x " << info.height << " ("
              << int64_t(info.width) * info.height << " pixels)\n"
              << "Channels:    " << info.channels << " (" << channelLayout(info.channels)
              << ", alpha: " << (alpha ? "yes" : "no") << ")\n";
    if (const MetadataEntry* dropped = metadata.find("tessera:DroppedChannels"))
        std::cout << "             further channels are not read: " << dropped->display << "\n";
    std::cout << "Sample type: " << sampleTypeName(metadata.sourceSampleType) << "\n";
    if (metadata.iccProfile.empty())
        std::cout << "ICC profile: no\n";
    else
        std::cout << "ICC profile: yes (" << metadata.iccProfile.size() << " bytes)\n";

    int others = 0;
    for (const MetadataEntry& entry : metadata.entries)
        if (!isKey(entry.name) && !isDerived(entry.name))
            ++others;
    std::cout << "Metadata:\n";
    bool any = false;
    for (std::string_view key : kKeyAttributes) {
        if (const MetadataEntry* entry = metadata.find(std::string(key))) {
            std::cout << "  " << entry->name << ": " << entry->display << "\n";
            any = true;
        }
    }
    if (!any)
        std::cout << "  (none of the usual fields)\n";
    std::cout << "  " << others << " other attribute" << (others == 1 ? "" : "s") << "\n";
    if (const MetadataEntry* generation = metadata.find(std::string(kGenerationAttribute))) {
        std::cout << "Generation:\n";
        std::string line;
        for (std::istringstream text(generation->display); std::getline(text, line);)
            std::cout << "  " << line << "\n";
    }
    return kExitOk;
}

} // namespace tessera::cli

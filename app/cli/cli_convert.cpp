// tessera-cli convert IN -o OUT: re-encode an image, band by band, so even a
// huge file needs only a few rows of memory. The format comes from OUT's
// extension; OUT appears only when complete (see io/image_writer.h).

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "image/image.h"
#include "io/image_reader.h"
#include "io/image_writer.h"
#include "io/output_formats.h"

#include <algorithm>
#include <charconv>
#include <iostream>

namespace tessera::cli {

namespace {

constexpr const char* kConvertUsage =
    "Usage: tessera-cli convert IN -o OUT [--bits 8|16|32] [--quality N]\n"
    "                           [--compression NAME] [--no-metadata]\n"
    "  -o, --output OUT     the file to write; its extension picks the format\n"
    "                       (.png .tif .tiff .exr .jpg .jpeg .webp)\n"
    "  --bits 8|16|32       bits per sample (default: the source's, where the\n"
    "                       format allows; EXR 16 = half, 32 = float)\n"
    "  --quality N          JPEG/WebP quality 1-100 (default 95)\n"
    "  --compression NAME   TIFF: zip lzw packbits none; EXR: zip zips piz rle\n"
    "                       pxr24 b44 b44a dwaa dwab none; PNG: zip[:0-9] none\n"
    "  --no-metadata        leave out metadata and the ICC profile\n";

/// Rows read and written per band: enough to keep OIIO efficient, few enough
/// that a 100-megapixel-wide file stays in memory easily.
constexpr int kBandRows = 64;

struct ConvertArgs {
    std::string input;
    std::string output;
    WriteOptions options;
    bool help = false;
};

ConvertArgs parse(const Args& args)
{
    ConvertArgs parsed;
    bool seenBits = false, seenQuality = false, seenCompression = false;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i];
        std::string value;
        bool inlineValue = false;
        // "--opt=value" is the same as "--opt value".
        if (arg.rfind("--", 0) == 0) {
            if (const size_t equals = arg.find('='); equals != std::string::npos) {
                value = arg.substr(equals + 1);
                arg.erase(equals);
                inlineValue = true;
            }
        }
        auto takeValue = [&]() {
            if (inlineValue)
                return value;
            if (i + 1 >= args.size())
                throw UsageError{arg + " needs a value"};
            return args[++i];
        };
        auto once = [&](bool& seen) {
            if (seen)
                throw UsageError{arg + " given twice"};
            seen = true;
        };

        if (arg == "--help" || arg == "-h") {
            parsed.help = true;
        } else if (arg == "-o" || arg == "--output") {
            if (!parsed.output.empty())
                throw UsageError{"-o given twice"};
            parsed.output = takeValue();
            if (parsed.output.empty())
                throw UsageError{"-o needs a file name"};
        } else if (arg == "--bits") {
            once(seenBits);
            parsed.options.bits = parseInt(arg, takeValue(), 0);
            if (parsed.options.bits != 8 && parsed.options.bits != 16 && parsed.options.bits != 32)
                throw UsageError{"--bits must be 8, 16 or 32, not "
                                 + std::to_string(parsed.options.bits)};
        } else if (arg == "--quality") {
            once(seenQuality);
            parsed.options.quality = parseInt(arg, takeValue(), 0);
            if (parsed.options.quality < 1 || parsed.options.quality > 100)
                throw UsageError{"--quality must be 1-100, not "
                                 + std::to_string(parsed.options.quality)};
        } else if (arg == "--compression") {
            once(seenCompression);
            parsed.options.compression = takeValue();
            if (parsed.options.compression.empty())
                throw UsageError{"--compression needs a name"};
        } else if (arg == "--no-metadata" && !inlineValue) {
            parsed.options.keepMetadata = false;
        } else if (arg.size() > 1 && arg[0] == '-') {
            throw UsageError{"unknown option '" + args[i] + "'"};
        } else if (parsed.input.empty()) {
            parsed.input = arg;
        } else {
            throw UsageError{"convert takes one input, got '" + parsed.input + "' and '" + arg
                             + "'"};
        }
    }
    if (parsed.help)
        return parsed;
    if (parsed.input.empty())
        throw UsageError{"convert needs an input file"};
    if (parsed.output.empty())
        throw UsageError{"convert needs -o OUT"};
    return parsed;
}

} // namespace

int runConvert(const Args& args)
{
    const ConvertArgs parsed = parse(args);
    if (parsed.help) {
        std::cout << kConvertUsage;
        return kExitOk;
    }

    ImageFileReader reader(parsed.input);
    const ImageFileInfo& info = reader.info();
    if ((info.channels == 2 || info.channels == 4) && !formatStoresAlpha(parsed.output))
        printWarning(parsed.output, kAlphaDroppedSentence);
    ImageFileWriter writer(parsed.output, info.width, info.height, info.channels, info.metadata,
                           parsed.options);
    for (int y = 0; y < info.height; y += kBandRows) {
        const int rows = std::min(kBandRows, info.height - y);
        const Image band = reader.readRegion(0, y, info.width, rows);
        writer.writeRows(y, rows, band.data());
    }
    writer.finish();

    std::cout << "wrote " << parsed.output << " (" << info.width << " x " << info.height << ", "
              << info.channels << " channel" << (info.channels == 1 ? "" : "s") << ")\n";
    return kExitOk;
}

} // namespace tessera::cli

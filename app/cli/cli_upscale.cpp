// tessera-cli upscale: tiled upscaling from file to file. Large inputs are read
// band by band and the output is written as rows finish, so memory stays
// bounded by one band of tiles. Ctrl+C cancels between batches: exit 130 and
// nothing at the destination.

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "io/file_rows.h"
#include "pipeline/upscale_job.h"

#include "common/error.h"
#include "pipeline/model_registry.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

namespace tessera::cli {

namespace {

namespace fs = std::filesystem;

/// Inputs up to this many pixels are read whole; larger ones stream.
constexpr int64_t kStreamAbovePixels = int64_t(64) << 20;

constexpr const char* kUpscaleUsage =
    "Usage: tessera-cli upscale IN -o OUT -m MODEL [options]\n"
    "Upscales IN with MODEL tile by tile and streams the result to OUT (its\n"
    "extension picks the format: .png .tif .tiff .exr .jpg .jpeg .webp).\n"
    "  -m, --model MODEL    a model file (.pth .safetensors .ckpt, ncnn .param), or a\n"
    "                       file name in the models folder\n"
    "  --tile S             tile size S (default: auto, the whole image as one tile\n"
    "                       when it fits in memory)\n"
    "  --overlap O          pixels shared by neighbouring tiles (default 10% of S)\n"
    "  --halo P             context pixels around each tile (default 32, or the\n"
    "                       model's receptive radius when smaller)\n"
    "  --blend R            linear | smooth | gaussian (default smooth)\n"
    "  --scale X            output scale (default: the model's own)\n"
    "  --device D           cpu | cuda | cuda:N (default cpu)\n"
    "  --precision P        fp32 | fp16 | bf16 (default fp32; the CPU always runs fp32)\n"
    "  --batch N            tiles per forward call (default 1)\n"
    "  --alpha A            resize | model: how alpha is upscaled (default resize)\n"
    "  --bits 8|16|32       bits per sample of OUT (default: the source's)\n";

struct UpscaleArgs {
    std::string input;
    std::string output;
    UpscaleSettings settings;
    int bits = 0;
    bool help = false;
};

UpscaleArgs parseArgs(const Args& args)
{
    UpscaleArgs parsed;
    parsed.help = !walkArguments(args, [&](const std::string& arg, const ArgumentValue& value) {
        if (arg == "-o" || arg == "--output")
            parsed.output = value();
        else if (arg == "-m" || arg == "--model")
            parsed.settings.modelPath = value();
        else if (arg == "--tile")
            parsed.settings.tileSize = parseInt(arg, value(), 1);
        else if (arg == "--overlap")
            parsed.settings.overlap = parseInt(arg, value(), 0);
        else if (arg == "--halo")
            parsed.settings.halo = parseInt(arg, value(), 0);
        else if (arg == "--blend")
            parsed.settings.blend = parseBlendRamp(value());
        else if (arg == "--scale")
            parsed.settings.outputScale = parseInt(arg, value(), 1);
        else if (arg == "--device")
            parsed.settings.device = parseDevice(value());
        else if (arg == "--precision")
            parsed.settings.precision = parsePrecision(value());
        else if (arg == "--batch")
            parsed.settings.batch = parseInt(arg, value(), 1);
        else if (arg == "--alpha")
            parsed.settings.alpha = parseAlphaMode(value());
        else if (arg == "--bits") {
            parsed.bits = parseInt(arg, value(), 8);
            if (parsed.bits != 8 && parsed.bits != 16 && parsed.bits != 32)
                throw UsageError{"--bits must be 8, 16 or 32"};
        } else if (!arg.empty() && arg[0] == '-')
            throw UsageError{"unknown option " + arg};
        else if (parsed.input.empty())
            parsed.input = arg;
        else
            throw UsageError{"more than one input: '" + parsed.input + "' and '" + arg + "'"};
    });
    if (parsed.help)
        return parsed;
    if (parsed.input.empty() || parsed.output.empty() || parsed.settings.modelPath.empty())
        throw UsageError{"upscale needs IN, -o OUT and -m MODEL (see tessera-cli upscale --help)"};
    checkOutputPath(parsed.output);
    return parsed;
}

} // namespace

int runUpscale(const Args& args)
{
    UpscaleArgs parsed = parseArgs(args);
    if (parsed.help) {
        std::cout << kUpscaleUsage;
        return kExitOk;
    }
    parsed.settings.modelPath = resolveModelPath(parsed.settings.modelPath);
    UpscaleJob job;
    job.prepare(parsed.settings);

    ImageFileReader reader(parsed.input);
    const ImageFileInfo& info = reader.info();
    std::optional<Image> whole;
    std::unique_ptr<RowSource> source;
    if (int64_t(info.width) * info.height <= kStreamAbovePixels) {
        whole = readImage(parsed.input);
        source = std::make_unique<ImageRowSource>(*whole);
    } else {
        source = std::make_unique<FileRowSource>(reader);
    }

    WriteOptions write;
    write.bits = parsed.bits;
    FileRowSink sink(parsed.output, info.metadata, write);

    TiledReport report;
    runCancellable("tiles", [&](const CancelToken& cancel, const ProgressSink& progress) {
        report = job.run(parsed.settings, *source, sink, cancel, progress);
        cancel.throwIfCancelled();
        sink.finish(); // the file appears only for a run that was not interrupted
    });
    printNotes(report.notes);
    const int scale = parsed.settings.outputScale > 0 ? parsed.settings.outputScale : job.prepare(parsed.settings).scale;
    std::cout << "wrote " << parsed.output << " (" << info.width * scale << " x " << info.height * scale << ", "
              << report.tiles << (report.tiles == 1 ? " tile" : " tiles") << " of " << report.tileSize
              << " px, overlap " << report.overlap << ", halo " << report.halo << ")\n";
    return kExitOk;
}

} // namespace tessera::cli

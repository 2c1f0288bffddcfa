// tessera-cli upscale: tiled upscaling from file to file, or of many files
// into a folder with one model load. Large inputs are read band by band and
// the output is written as rows finish, so memory stays bounded by one band of
// tiles. Ctrl+C cancels between batches: exit 130 and nothing at the
// destination; a bad file in a batch is reported and the rest go on.

#include "cli/cli_batch.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "io/batch_upscale.h"
#include "io/output_formats.h"
#include "pipeline/finite_pixels.h"
#include "pipeline/upscale_job.h"

#include "common/error.h"
#include "pipeline/model_registry.h"

#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

namespace tessera::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kUpscaleUsage =
    "Usage: tessera-cli upscale IN -o OUT -m MODEL [options]\n"
    "       tessera-cli upscale IN [IN...] -o FOLDER -m MODEL [options]\n"
    "Upscales IN with MODEL tile by tile and streams the result to OUT (its\n"
    "extension picks the format: .png .tif .tiff .exr .jpg .jpeg .webp).\n"
    "With several inputs, a folder as input, or -o an existing folder (or one\n"
    "ending in /), every image is written into FOLDER (created if missing) as\n"
    "its name + suffix, with the model loaded once. A bad file is reported and\n"
    "the others go on; a summary ends the run (exit 1 if any failed).\n"
    "  -m, --model MODEL    a model file (.pth .safetensors .ckpt, ncnn .param), or a\n"
    "                       file name in the models folder\n"
    "  --tile S             tile size S (default: auto, the whole image as one tile\n"
    "                       when it fits in memory)\n"
    "  --overlap O          pixels shared by neighbouring tiles (default 10% of S)\n"
    "  --halo P             context pixels around each tile (default 32, or the\n"
    "                       model's receptive radius when smaller)\n"
    "  --blend R            linear | smooth | gaussian (default smooth)\n"
    "  --scale X            output scale (default: the model's own)\n"
    "  --device D           cpu | cuda | cuda:N (default cpu); cuda:0,1 or cuda:all\n"
    "                       spread the tiles over several GPUs (the same output)\n"
    "  --precision P        fp32 | fp16 | bf16 (default fp32; the CPU always runs fp32)\n"
    "  --batch N            tiles per forward call (default 1)\n"
    "  --alpha A            resize | model: how alpha is upscaled (default resize)\n"
    "  --bits 8|16|32       bits per sample of OUT (default: the source's)\n"
    "  --compression NAME   PNG: zip[:0-9] (deflate level, default zip = 4; zip:1 is\n"
    "                       the fastest, zip:9 the smallest) or none; TIFF: zip lzw\n"
    "                       packbits none; EXR: zip zips piz rle pxr24 b44 b44a dwaa\n"
    "                       dwab none\n"
    "  --quality N          JPEG/WebP quality 1-100 (default 95)\n"
    "  --skip-existing      leave out inputs whose output exists (reruns resume)\n"
    "  --force              run a plan of over 10000 tiles (refused without it)\n"
    "Input pixels that are NaN or infinite are set to 0 (NaN, -Inf) or 1 (+Inf)\n"
    "before the model, with a warning; so is alpha written to JPEG (dropped).\n"
    "Into a folder:\n"
    "  --suffix S           appended to each name (default -x<scale>: photo.png ->\n"
    "                       photo-x4.png; --suffix '' keeps the name)\n"
    "  --format F           png | tif | tiff | exr | jpg | jpeg | webp (default: the\n"
    "                       input's own format when it can be written, else png)\n"
    "  --recursive          folders: their subfolders too, kept under FOLDER\n"
    "                       (folders take the files OpenImageIO reads as images;\n"
    "                       hidden files and FOLDER itself are left out)\n"
    "  --shard I/N          only files I, I+N, I+2N, ... of the sorted list (0 <= I < N),\n"
    "                       so N independent jobs (a Slurm array) share a collection\n";

struct UpscaleArgs {
    std::vector<std::string> inputs;
    std::string output;
    UpscaleSettings settings;
    WriteOptions write; ///< --bits, --compression, --quality
    BatchOptions batch;
    bool force = false; ///< run plans of over kTilesNeedingConfirmation tiles
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
            setDevices(parsed.settings, parseDevices(value()));
        else if (arg == "--precision")
            parsed.settings.precision = parsePrecision(value());
        else if (arg == "--batch")
            parsed.settings.batch = parseInt(arg, value(), 1);
        else if (arg == "--alpha")
            parsed.settings.alpha = parseAlphaMode(value());
        else if (arg == "--bits") {
            parsed.write.bits = parseInt(arg, value(), 8);
            if (parsed.write.bits != 8 && parsed.write.bits != 16 && parsed.write.bits != 32)
                throw UsageError{"--bits must be 8, 16 or 32"};
        } else if (arg == "--compression") {
            parsed.write.compression = value();
            if (parsed.write.compression.empty())
                throw UsageError{"--compression needs a name"};
        } else if (arg == "--quality") {
            parsed.write.quality = parseInt(arg, value(), 1);
            if (parsed.write.quality > 100)
                throw UsageError{"--quality must be 1-100, not " + std::to_string(parsed.write.quality)};
        } else if (arg == "--suffix")
            parsed.batch.naming.suffix = value();
        else if (arg == "--format")
            parseFormat(value(), parsed.batch);
        else if (arg == "--recursive")
            parsed.batch.recursive = true;
        else if (arg == "--skip-existing")
            parsed.batch.skipExisting = true;
        else if (arg == "--shard")
            parseShard(value(), parsed.batch);
        else if (arg == "--force")
            parsed.force = true;
        else if (!arg.empty() && arg[0] == '-')
            throw UsageError{"unknown option " + arg};
        else
            parsed.inputs.push_back(arg);
    });
    if (parsed.help)
        return parsed;
    if (parsed.inputs.empty() || parsed.output.empty() || parsed.settings.modelPath.empty())
        throw UsageError{"upscale needs IN, -o OUT and -m MODEL (see tessera-cli upscale --help)"};
    return parsed;
}

/// True when -o is a folder: several inputs, a folder among them, or -o an
/// existing folder or a name ending in /.
bool writesIntoFolder(const UpscaleArgs& parsed)
{
    std::error_code ec;
    return parsed.inputs.size() > 1 || fs::is_directory(parsed.inputs.front(), ec) ||
           fs::is_directory(parsed.output, ec) || parsed.output.back() == '/';
}

/// The output scale the settings give with the job's (loaded) model.
int outputScale(UpscaleJob& job, const UpscaleSettings& settings)
{
    return settings.outputScale > 0 ? settings.outputScale : job.prepare(settings).scale;
}

/// How each file is written and which plans are refused (over 10000 tiles
/// without --force).
FileUpscaleOptions fileOptions(const UpscaleArgs& parsed)
{
    FileUpscaleOptions options;
    options.write = parsed.write;
    options.checkPlan = [force = parsed.force](const UpscalePlan& plan) { checkTileCount(plan.tiles, force); };
    return options;
}

/// The run's notes and warnings on stderr (after the progress bar ended) and
/// "wrote OUT (size, tiles)" on stdout.
void printResult(const fs::path& input, const fs::path& output, const FileUpscaleResult& result)
{
    const TiledReport& report = result.report;
    printNotes(report.notes);
    if (result.alphaDropped)
        printWarning(output.string(), kAlphaDroppedSentence);
    if (result.nonFinitePixels > 0)
        printWarning(input.string(), nonFinitePixelsSentence(result.nonFinitePixels));
    std::cout << "wrote " << output.string() << " (" << result.width << " x " << result.height << ", "
              << report.tiles << (report.tiles == 1 ? " tile" : " tiles") << " of " << report.tileSize
              << " px, overlap " << report.overlap << ", halo " << report.halo << ")\n";
}

int runOneFile(UpscaleArgs& parsed)
{
    if (parsed.batch.naming.suffix || !parsed.batch.naming.format.empty() || parsed.batch.recursive ||
        parsed.batch.shardCount > 1)
        throw UsageError{"--suffix, --format, --recursive and --shard need -o to be a folder (several inputs, a "
                         "folder as input, or -o ending in /)"};
    checkOutputPath(parsed.output);
    if (parsed.batch.skipExisting && fs::exists(parsed.output)) {
        std::cerr << "skipped " << parsed.inputs.front() << ": " << parsed.output << " exists\n";
        return kExitOk;
    }
    UpscaleJob job;
    job.prepare(parsed.settings);
    FileUpscaleResult result;
    runCancellable("tiles", [&](const CancelToken& cancel, const ProgressSink& progress) {
        result = upscaleImageFile(job, parsed.settings, parsed.inputs.front(), parsed.output, fileOptions(parsed),
                                  cancel, progress);
    });
    printResult(parsed.inputs.front(), parsed.output, result);
    return kExitOk;
}

/// "3 upscaled, 1 skipped, 1 failed:" and one "  FILE: cause" line per failure.
void printSummary(const BatchSummary& summary)
{
    std::cerr << summary.upscaled << " upscaled, " << summary.skipped << " skipped, " << summary.failures.size()
              << " failed" << (summary.failures.empty() ? "\n" : ":\n");
    for (const std::string& failure : summary.failures)
        std::cerr << "  " << failure << "\n";
}

int runIntoFolder(UpscaleArgs& parsed)
{
    checkOutputFolder(parsed.output);
    const fs::path folder = parsed.output;
    const std::vector<BatchInput> inputs = listInputs(parsed.inputs, folder, parsed.batch.recursive);
    UpscaleJob job; // the model is loaded once here and kept for every file
    const std::vector<BatchFile> all = planOutputs(inputs, folder, parsed.batch, outputScale(job, parsed.settings));
    const std::vector<BatchFile> files = takeShard(all, parsed.batch);
    if (files.empty()) {
        std::cerr << "nothing to do: shard " << parsed.batch.shardIndex << "/" << parsed.batch.shardCount << " of "
                  << all.size() << (all.size() == 1 ? " file" : " files") << " is empty\n";
        return kExitOk;
    }
    createOutputFolder(folder);

    const auto label = [&](size_t index, const BatchFile& file) {
        return "file " + std::to_string(index + 1) + "/" + std::to_string(files.size()) + " " + file.shown;
    };
    std::optional<ProgressPrinter> printer; // one per file: its bar ends before the file's result line
    BatchEvents events;
    events.started = [&](size_t, const BatchFile&) { printer.emplace("tiles"); };
    events.progress = [&](size_t index, const BatchFile& file, Progress tiles) {
        tiles.stage = label(index, file);
        (*printer)(tiles);
    };
    events.upscaled = [&](size_t, const BatchFile& file, const FileUpscaleResult& result) {
        printer.reset();
        printResult(file.input, file.output, result);
    };
    events.skipped = [&](size_t index, const BatchFile& file) {
        std::cerr << label(index, file) << ": skipped, " << file.output.string() << " exists\n";
    };
    events.failed = [&](size_t index, const BatchFile& file, const std::string& reason) {
        printer.reset();
        std::cerr << label(index, file) << ": failed: " << reason << "\n";
    };
    CancelToken cancel;
    BatchSummary summary;
    {
        InterruptScope interrupt(cancel);
        summary = upscaleBatch(job, parsed.settings, files, parsed.batch.skipExisting, fileOptions(parsed), cancel,
                               events);
    }
    printer.reset();
    if (summary.cancelled) {
        std::cerr << "cancelled: ";
        printSummary(summary);
        throw Error(ErrorCode::Cancelled, "cancelled");
    }
    printSummary(summary);
    return summary.failures.empty() ? kExitOk : kExitFailed;
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
    return writesIntoFolder(parsed) ? runIntoFolder(parsed) : runOneFile(parsed);
}

} // namespace tessera::cli

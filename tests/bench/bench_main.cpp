// tessera-bench: throughput (tiles/s, megapixels/s) and peak memory of tiled
// upscaling on the CPU or CUDA. Not a test: it prints numbers to compare.

#include "bench_accumulator.h"
#include "bench_diffusion.h"
#include "bench_png.h"
#include "bench_precision.h"
#include "bench_profile.h"

#include "models/bias_activation.h"
#include "models/cpu/winograd_convolution.h"
#include "models/pixel_shuffle_add.h"
#include "bench_load.h"
#include "bench_models.h"

#include <c10/core/InferenceMode.h>

#include "common/convolution_format.h"
#include "common/device.h"
#include "common/error.h"
#include "common/torch_compat.h"
#include "models/load_weights.h"
#include "models/loaders/weight_store.h"
#include "pipeline/upscale_job.h"
#include "tiling/tiled_runner.h"

#ifdef TESSERA_BENCH_WITH_IO
#include "io/file_rows.h"
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

using namespace tessera;

namespace {

const char* kUsage = R"(Usage: tessera-bench <mode> [options]

Modes:
  throughput   tiles/s and megapixels/s on a synthetic image (median of --runs,
               default 3), the model's bare forward on --batch tiles of S, and
               the share of the run the model's forward takes
               --png FILE [--png-level L]: the runs write FILE through the PNG
               encoder (timed with it; rows travel as bytes); --sink-bits 8:
               the null sink takes bytes rounded on the device, as an 8-bit
               file does (default: float rows); --source-bits 8: the synthetic
               source hands over bytes, as an 8-bit file does (default: float rows); --cold 1: no warm-up and no model-only timings (the
               process is one cold run, for /usr/bin/time); --profile N: the N costliest CUDA kernels of one run
               and of one bare forward, and the device's busy share; --cudnn-benchmark 0:
               cuDNN's heuristic kernels (as a several-device run) instead of autotuning;
               --conv-graphs 0: conv + our epilogue instead of cuDNN's fused graphs;
               --winograd 0: the CPU's 3x3 convolutions by torch (oneDNN's
               direct sums) instead of our Winograd transforms
  verify       tiled output on --device against the CPU and against one
               whole-image tile (max differences; exit 1 past --tolerance)
  memory       peak resident memory of a streamed upscale; with OpenImageIO:
               a SIZE x SIZE TIFF is written (streamed), then upscaled to --out;
               without it (or with --null), synthetic rows go to a null sink
  load         peak resident memory of loading --size-gb N (default 2) of fp16
               Linear weights (a safetensors file written to /tmp, or --file
               PATH) into a module built at --dtype fp16|fp32 (default fp16)
  diffusion    a Stable Diffusion --checkpoint FILE on --device at --precision
               (default fp16): median ms of a UNet step with CFG (batch 2) and
               of VAE decode / encode, at --sizes (default 512,1024 for SD 1.x,
               1024 for SDXL); --runs N (default 10; 0: load only, with the
               host peak RSS); --cudnn-benchmark 0
               keeps cuDNN's heuristics instead of autotuning (default 1);
               --hypertile TILE [--hypertile-depth D]: the UNet step again with
               HyperTile and the speed-up; --profile N: the N costliest CUDA
               kernels of those steps (LibTorch 2.x); --group-norm 1: torch's
               CUDA GroupNorm against ours; --group-norm-rows A,B: the steps per
               shortest row for ours (0: torch's only); --sampler NAME[,NAME...]: a 10-step
               run of each sampler and its cost per step beyond the denoiser's
  refine       RefineJob on a synthetic --size image (default 2048) with a
               --checkpoint, --vocab DIR, --tile (1024), --steps (30), --denoise
               (0.25): median wall time per --modes (blend,tiles,pixel) and
               blend --batches (1,4); --runs N (default 3); --hypertile TILE
               [--hypertile-depth D] [--hypertile-vae 1]
  png          the PNG encoder on a --size image (default 8192) in 64-row bands:
               one thread (one deflate stream, as libpng) against --threads
               (default every core); --bits 8|16, --level 0-9 (4), --runs (3),
               --content texture|upscaled (the texture x4 bicubic, smooth as a model's output)
  precision    --model M --images A.ppm[,B.ppm] [--precisions fp16,bf16]: real
               photos upscaled at fp32 and at each precision on --device
               (default cuda): PSNR, largest difference, 8-bit samples that differ;
               --reference direct: the fp32 reference with the CPU's convolutions
               summed directly, not by Winograd (use with --precisions fp32)
  diffusion-verify
               --checkpoint FILE against --reference FILE (the original code's
               outputs on the same weights, from scripts/diffusion_reference/
               gpu_reference.py): relative error of UNet, VAE and text
               encoders; exit 1 past --tolerance (1e-4 fp32, 1e-2 fp16/bf16)

Options:
  --device cpu|cuda|cuda:N    (default cpu); cuda:0,1 / cuda:all: tiles over several GPUs
  --queues N                  N tile queues on the first device, a weight copy each
                              (the several-GPU path on one GPU; default 1)
  --precision fp32|fp16|bf16  (default fp32)
  --size N                    square input side (throughput 1024, memory 16384)
  --tile S --overlap O --halo P --batch N   (default tile: auto)
  --scale X                   tiny model's scale (default 2)
  --features F --layers L     tiny model's width and depth (default 16, 3)
  --model PATH                a real model file instead of the tiny model
  --out FILE                  memory mode output (default /tmp/tessera-bench-out.tif)
  --tolerance T               verify mode's limit (default 1e-2: CUDA convolutions may use TF32)
  --null                      memory mode without files
  --keep                      keep the memory mode output file
)";

using bench::intOption;
using bench::Options;
using bench::textOption;

Options parseOptions(int argc, char** argv)
{
    Options options;
    for (int i = 2; i < argc; ++i) {
        const std::string key = argv[i];
        if (key.rfind("--", 0) != 0)
            throw Error(ErrorCode::InvalidArgument, "unexpected argument '" + key + "'");
        if (key == "--null" || key == "--keep") {
            options.emplace(key, std::string(1, '1'));
            continue;
        }
        if (i + 1 >= argc)
            throw Error(ErrorCode::InvalidArgument, key + " needs a value");
        options[key] = argv[++i];
    }
    return options;
}

double megabytes(int64_t bytes)
{
    return double(bytes) / (1024.0 * 1024.0);
}

/// What a mode runs: a real model file through the upscale job (the very
/// sequence the CLI and the GUI use), or the tiny synthetic model.
struct BenchModel {
    UpscaleJob job;
    UpscaleSettings settings; ///< with modelPath empty: the tiny model
    TileModel tiny;
    int scale = 1;

    TiledReport run(RowSource& source, RowSink& sink)
    {
        if (!settings.modelPath.empty())
            return job.run(settings, source, sink);
        TiledOptions tiled;
        tiled.tileSize = settings.tileSize;
        tiled.overlap = settings.overlap;
        tiled.halo = settings.halo;
        tiled.batch = settings.batch;
        return runTiled(source, sink, tiny, tiled); // tile size 0: auto, from the model's bytes per pixel
    }
};

void makeModel(const Options& options, BenchModel& model)
{
    UpscaleSettings& settings = model.settings;
    setDevices(settings, parseDevices(textOption(options, "--device", "cpu")));
    // --queues N: N - 1 more queues on the first device, each with its own
    // weights (the several-GPU code path measured on one GPU).
    for (int i = 1; i < intOption(options, "--queues", 1); ++i)
        settings.moreDevices.push_back(settings.device);
    settings.precision = parsePrecision(textOption(options, "--precision", "fp32"));
    settings.tileSize = intOption(options, "--tile", 0);
    settings.overlap = intOption(options, "--overlap", -1);
    settings.halo = intOption(options, "--halo", -1);
    settings.batch = intOption(options, "--batch", 1);
    if (settings.device.kind == DeviceKind::Cuda && !cudaAvailable())
        throw Error(ErrorCode::InvalidArgument, "CUDA is not available in this build or machine");
    settings.modelPath = textOption(options, "--model", "");
    if (!settings.modelPath.empty()) {
        const ModelInfo& info = model.job.prepare(settings);
        model.scale = settings.outputScale > 0 ? settings.outputScale : info.scale;
        std::cout << "model: " << settings.modelPath << " (" << info.architecture << ", x" << info.scale << ")\n";
    } else {
        const int scale = intOption(options, "--scale", 2);
        const int features = intOption(options, "--features", 16);
        const int layers = intOption(options, "--layers", 3);
        model.tiny = test::makeConvModel(3, scale, layers, features, 1234, settings.device, settings.precision);
        model.scale = scale;
        std::cout << "model: tiny conv x" << scale << " (" << layers << " layers, " << features
                  << " features)\n";
    }
    std::cout << "device: " << deviceName(settings.device) << ", " << precisionName(settings.precision) << "\n";
}

void printReport(const TiledReport& report)
{
    std::cout << "tiles: " << report.tiles << " (S=" << report.tileSize << " O=" << report.overlap
              << " P=" << report.halo << ")\n";
    for (const std::string& note : report.notes)
        std::cout << "note: " << note << "\n";
}

/// Median seconds of `model`'s bare forward on a [batch, C, side, side]
/// random input at its precision: no tiling, blending or transfers, the
/// figure a plain PyTorch script times.
double bareForwardSeconds(const TileModel& model, int side, int batch, int runs)
{
    c10::InferenceMode inference;
    const at::Tensor x = at::rand({batch, model.inChannels, side, side},
                                  at::TensorOptions().device(toTorchDevice(model.device)).dtype(toTorchDtype(model.precision)));
    return bench::medianMilliseconds(model.device, runs, [&] { model.forward(x); }) / 1e3;
}

/// The same bare forward with torch's bias and activation ops instead of our
/// fused epilogue (models/bias_activation.h), and, where `graphs` (not
/// --conv-graphs 0), with conv + our epilogue instead of cuDNN's graphs:
/// times and largest differences.
void compareFusedEpilogues(const TileModel& model, int side, int batch, bool graphs)
{
    c10::InferenceMode inference;
    const at::Tensor x = at::rand({batch, model.inChannels, side, side},
                                  at::TensorOptions().device(toTorchDevice(model.device)).dtype(toTorchDtype(model.precision)));
    if (!fusedEpilogueApplies(x)) {
        std::printf("fused epilogue: not in this build\n");
        return;
    }
    // Three ways to the same forward: cuDNN graphs where they time faster
    // (the default), conv + our epilogue kernel, conv + torch's ops.
    const at::Tensor withGraphs = model.forward(x).to(at::kFloat);
    const double graphsSeconds = bareForwardSeconds(model, side, batch, 10);
    setConvolutionGraphsEnabled(false);
    const at::Tensor fused = model.forward(x).to(at::kFloat);
    const double fusedSeconds = bareForwardSeconds(model, side, batch, 10);
    setFusedEpiloguesEnabled(false);
    const at::Tensor plain = model.forward(x).to(at::kFloat);
    const double plainSeconds = bareForwardSeconds(model, side, batch, 10);
    setFusedEpiloguesEnabled(true);
    setConvolutionGraphsEnabled(graphs);
    std::printf("fused epilogue: %.2f ms against torch's ops %.2f ms (%.2fx); max |difference| %.2e\n",
                fusedSeconds * 1e3, plainSeconds * 1e3, plainSeconds / fusedSeconds,
                (fused - plain).abs().max().item<double>());
    if (!convolutionGraphsBuilt() || !graphs) {
        std::printf("convolution graphs: %s\n", graphs ? "not in this build" : "off (--conv-graphs 0)");
        return;
    }
    std::printf("convolution graphs: %.2f ms against conv + our epilogue %.2f ms (%.2fx); max |difference| %.2e\n",
                graphsSeconds * 1e3, fusedSeconds * 1e3, fusedSeconds / graphsSeconds,
                (withGraphs - fused).abs().max().item<double>());
    for (const std::string& line : convolutionGraphReport())
        std::printf("  %s\n", line.c_str());
}

/// On the CPU: the bare forward with our Winograd convolutions
/// (models/cpu/winograd_convolution.h) against torch's direct ones, times and
/// largest difference.
void compareWinograd(const TileModel& model, int side, int batch)
{
    c10::InferenceMode inference;
    const at::Tensor x = at::rand({batch, model.inChannels, side, side});
    cpu::setWinogradConvolutionsEnabled(true);
    const at::Tensor ours = model.forward(x);
    const double oursSeconds = bareForwardSeconds(model, side, batch, 3);
    cpu::setWinogradConvolutionsEnabled(false);
    const at::Tensor direct = model.forward(x);
    const double directSeconds = bareForwardSeconds(model, side, batch, 3);
    cpu::setWinogradConvolutionsEnabled(true);
    std::printf("winograd convolutions: %.1f ms against torch's %.1f ms (%.2fx, medians of 3); max |difference| %.2e\n",
                oursSeconds * 1e3, directSeconds * 1e3, directSeconds / oursSeconds,
                (ours - direct).abs().max().item<double>());
}

/// SRVGG's tail (models/pixel_shuffle_add.h) at a tile's size: our one pass
/// against torch's three ops, time and whether every value is equal.
void comparePixelShuffleAdd(const DeviceSpec& device, int side, int scale)
{
    c10::InferenceMode inference;
    const auto options = at::TensorOptions().device(toTorchDevice(device)).dtype(at::kHalf);
    const at::Tensor a = at::randn({1, 3 * scale * scale, side, side}, options).contiguous(at::MemoryFormat::ChannelsLast);
    const at::Tensor b = at::rand({1, 3, side, side}, options).contiguous(at::MemoryFormat::ChannelsLast);
    const double s = scale;
    const auto torchOps = [&] { return at::pixel_shuffle(a, scale) + at::upsample_nearest2d(b, {side * scale, side * scale}, s, s); };
    const double ours = bench::medianMilliseconds(device, 10, [&] { pixelShuffleAddUpsampled(a, b, scale); });
    const double theirs = bench::medianMilliseconds(device, 10, [&] { torchOps(); });
    std::printf("pixel shuffle + residual, %d² x%d fp16: %.3f ms against torch's ops %.3f ms (%.2fx); equal: %s\n", side,
                scale, ours, theirs, theirs / ours, at::equal(pixelShuffleAddUpsampled(a, b, scale), torchOps()) ? "yes" : "NO");
}

int runThroughput(const Options& options)
{
    BenchModel model;
    makeModel(options, model);
    // --cudnn-benchmark 0: cuDNN's heuristics instead of autotuning (what a
    // run over several devices takes), to measure what that costs.
    if (options.count("--cudnn-benchmark"))
        setConvolutionAutotuning(textOption(options, "--cudnn-benchmark", "1") != "0");
    // --conv-graphs 0: every convolution as conv + our epilogue, no cuDNN
    // graphs (models/bias_activation.h), for the A/B and their build cost.
    if (options.count("--conv-graphs"))
        setConvolutionGraphsEnabled(textOption(options, "--conv-graphs", "1") != "0");
    const bool winograd = textOption(options, "--winograd", "1") != "0";
    cpu::setWinogradConvolutionsEnabled(winograd);
    const int size = intOption(options, "--size", 1024);
    const int runs = std::max(1, intOption(options, "--runs", 3));
    // A warm-up run on a small image (cuDNN autotuning, allocator growth);
    // --cold 1 leaves it and the model-only timings out, so that the whole
    // process is one cold run as a command line upscale is.
    const bool cold = intOption(options, "--cold", 0) != 0;
    if (!cold) {
        const int warm = std::min(size, model.settings.tileSize > 0 ? model.settings.tileSize : 512);
        bench::SyntheticSource source(warm, warm);
        bench::NullSink sink;
        model.run(source, sink);
    }
    std::vector<double> seconds;
    TiledReport report;
    const std::string pngPath = textOption(options, "--png", "");
    const int sourceBits = intOption(options, "--source-bits", 0);
    for (int i = 0; i < runs; ++i) {
        bench::SyntheticSource source(size, size, sourceBits);
        const auto start = std::chrono::steady_clock::now();
        if (pngPath.empty()) {
            bench::NullSink sink(intOption(options, "--sink-bits", 0));
            report = model.run(source, sink);
        } else {
            bench::PngFileSink sink(pngPath, intOption(options, "--png-level", PngEncoderSettings{}.level));
            report = model.run(source, sink);
            sink.finish();
        }
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds[seconds.size() / 2];
    printReport(report);
    const double inputMp = double(size) * size / 1e6;
    const double outputMp = inputMp * model.scale * model.scale;
    std::printf("input: %d x %d (%.2f MP) -> %.2f MP\n", size, size, inputMp, outputMp);
    std::printf("seconds: %.3f (median of %d)\n", median, runs);
    std::printf("tiles/s: %.2f\n", report.tiles / median);
    std::printf("input MP/s: %.3f\n", inputMp / median);
    std::printf("output MP/s: %.3f\n", outputMp / median);
    if (cold)
        return 0;

    // The model alone, on the run's tiles: bare tiles of S (what a plain
    // script times) and the run's padded tiles, whose sum over the run's
    // batches against the wall time is the share the device spent computing.
    const TileModel tileModel = model.settings.modelPath.empty() ? model.tiny : model.job.tileModel(model.settings);
    const int batch = std::max(1, model.settings.batch);
    const int tile = report.tileSize;
    const double bare = bareForwardSeconds(tileModel, tile, batch, 10);
    std::printf("bare forward, %d x %d x %d: %.2f ms = %.3f input MP/s (median of 10)\n", batch, tile, tile,
                bare * 1e3, double(batch) * tile * tile / 1e6 / bare);
    if (tileModel.device.kind == DeviceKind::Cuda) {
        compareFusedEpilogues(tileModel, tile, batch, textOption(options, "--conv-graphs", "1") != "0");
        comparePixelShuffleAdd(tileModel.device, tile, model.scale);
        // The blending and finishing kernels at a 4096² x4 run's row width.
        bench::compareAccumulatorKernels(tileModel.device, 16384, 4096);
    } else if (winograd) {
        compareWinograd(tileModel, tile, batch);
    }
    const int multiple = std::max(1, tileModel.inputMultiple);
    const int padded = (tile + 2 * report.halo + multiple - 1) / multiple * multiple;
    const int perSide = std::max(1, int(std::lround(std::sqrt(double(report.tiles))))); // a square image
    if (padded <= 2 * size) {
        // Each tile row runs perSide / batch full batches and one of the rest.
        const int rest = perSide % batch;
        const double full = bareForwardSeconds(tileModel, padded, batch, 5);
        const double part = rest > 0 ? bareForwardSeconds(tileModel, padded, rest, 5) : 0.0;
        const double compute = perSide * ((perSide / batch) * full + part);
        std::printf("model compute share of the run: %.0f%% (%.1f ms of forwards on tiles padded to %d)\n",
                    100.0 * compute / median, compute * 1e3, padded);
    }
    if (tileModel.device.kind == DeviceKind::Cuda) {
        std::printf("device-to-host copy (pinned, 1 GB): %.1f GB/s\n", bench::deviceToHostGigabytesPerSecond(tileModel.device));
        if (const int top = intOption(options, "--profile", 0); top > 0) {
            bench::SyntheticSource source(size, size, sourceBits);
            bench::NullSink sink(intOption(options, "--sink-bits", 0));
            bench::printKernelProfile("the whole run", tileModel.device, 1, top, [&] { model.run(source, sink); });
            bench::printKernelProfile("one bare forward", tileModel.device, 3, top,
                                      [&] { bareForwardSeconds(tileModel, tile, batch, 1); });
        }
    }
    std::printf("peak RSS: %.1f MB\n", megabytes(bench::peakResidentBytes()));
    return 0;
}

/// The image a run produced, kept in memory.
Image runToImage(RowSource& source, const TileModel& model, const TiledOptions& options,
                 TiledReport* report = nullptr)
{
    ImageRowSink sink;
    const TiledReport result = runTiled(source, sink, model, options);
    if (report)
        *report = result;
    return sink.take();
}

double maxDifference(const Image& a, const Image& b)
{
    double worst = 0.0;
    const int64_t count = a.pixelCount() * a.channels();
    for (int64_t i = 0; i < count; ++i)
        worst = std::max(worst, double(std::abs(a.data()[i] - b.data()[i])));
    return worst;
}

int runVerify(const Options& options)
{
    const DeviceSpec device = parseDevice(textOption(options, "--device", "cpu"));
    const Precision precision = parsePrecision(textOption(options, "--precision", "fp32"));
    const int scale = intOption(options, "--scale", 2);
    const int layers = intOption(options, "--layers", 3);
    const int features = intOption(options, "--features", 16);
    const double tolerance = std::stod(textOption(options, "--tolerance", "1e-2"));
    const int size = intOption(options, "--size", 700);
    // The same weights on both devices: generated on the CPU, then moved.
    const TileModel cpuModel = test::makeConvModel(3, scale, layers, features, 1234);
    const TileModel deviceModel = test::makeConvModel(3, scale, layers, features, 1234, device, precision);
    TiledOptions tiled;
    tiled.tileSize = intOption(options, "--tile", 128);
    tiled.overlap = intOption(options, "--overlap", -1);
    tiled.halo = intOption(options, "--halo", -1);
    tiled.batch = intOption(options, "--batch", 1);
    bench::SyntheticSource source(size, size * 3 / 4, intOption(options, "--source-bits", 0));
    TiledReport report;
    const Image onDevice = runToImage(source, deviceModel, tiled, &report);
    const Image onCpu = runToImage(source, cpuModel, tiled);
    TiledOptions whole = tiled;
    whole.tileSize = size;
    const Image wholeOnDevice = runToImage(source, deviceModel, whole);
    printReport(report);
    const double crossDevice = maxDifference(onDevice, onCpu);
    const double tiledVsWhole = maxDifference(onDevice, wholeOnDevice);
    std::printf("device: %s %s\n", deviceName(device).c_str(), precisionName(precision));
    std::printf("max |tiled on device - tiled on CPU|: %.3g\n", crossDevice);
    std::printf("max |tiled - whole image| on device: %.3g\n", tiledVsWhole);
    const bool ok = crossDevice <= tolerance && tiledVsWhole <= tolerance;
    std::printf("%s (tolerance %.3g)\n", ok ? "ok" : "FAILED", tolerance);
    return ok ? 0 : 1;
}

int runMemory(const Options& options)
{
    BenchModel model;
    makeModel(options, model);
    const int size = intOption(options, "--size", 16384);
    const auto start = std::chrono::steady_clock::now();
    TiledReport report;
    const bool useFiles =
#ifdef TESSERA_BENCH_WITH_IO
        options.count("--null") == 0;
#else
        false;
#endif
    if (!useFiles) {
        bench::SyntheticSource source(size, size);
        bench::NullSink sink;
        report = model.run(source, sink);
        std::cout << "streamed: synthetic rows -> null sink (" << sink.rows << " rows)\n";
    }
#ifdef TESSERA_BENCH_WITH_IO
    else {
        namespace fs = std::filesystem;
        const std::string output = textOption(options, "--out", "/tmp/tessera-bench-out.tif");
        const std::string input = (fs::path(output).parent_path() / "tessera-bench-in.tif").string();
        {
            // The input is itself written band by band: it never sits in memory.
            bench::SyntheticSource source(size, size);
            ImageMetadata metadata;
            metadata.sourceSampleType = SampleType::UInt8;
            WriteOptions write;
            write.bits = 8;
            ImageFileWriter writer(input, size, size, 3, metadata, write);
            std::vector<float> rows(size_t(size) * 3 * 256);
            for (int y = 0; y < size; y += 256) {
                const int count = std::min(256, size - y);
                source.readRows(y, count, rows.data());
                writer.writeRows(y, count, rows.data());
            }
            writer.finish();
        }
        std::printf("input written: %s (%.1f MB on disk), peak RSS so far %.1f MB\n", input.c_str(),
                    megabytes(int64_t(fs::file_size(input))), megabytes(bench::peakResidentBytes()));
        if (!bench::resetPeakResident())
            std::cout << "note: could not reset the peak RSS; it includes writing the input\n";
        ImageFileReader reader(input, ReadOptions{int64_t(size) * size});
        FileRowSource source(reader);
        WriteOptions write;
        write.bits = 8;
        FileRowSink sink(output, reader.info().metadata, write);
        report = model.run(source, sink);
        sink.finish();
        std::printf("streamed: %s -> %s (%.1f MB on disk)\n", input.c_str(), output.c_str(),
                    megabytes(int64_t(fs::file_size(output))));
        fs::remove(input);
        if (options.count("--keep") == 0)
            fs::remove(output);
    }
#endif
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    printReport(report);
    std::printf("input: %d x %d -> %d x %d\n", size, size, size * model.scale, size * model.scale);
    std::printf("seconds: %.1f\n", seconds);
    std::printf("peak RSS: %.1f MB\n", megabytes(bench::peakResidentBytes()));
    return 0;
}

int runLoad(const Options& options)
{
    namespace fs = std::filesystem;
    const double sizeGb = std::stod(textOption(options, "--size-gb", "2"));
    const std::string dtypeName = textOption(options, "--dtype", "fp16");
    if (dtypeName != "fp16" && dtypeName != "fp32")
        throw Error(ErrorCode::InvalidArgument, "--dtype must be fp16 or fp32, not '" + dtypeName + "'");
    const at::ScalarType dtype = dtypeName == "fp16" ? at::kHalf : at::kFloat;
    char defaultPath[64];
    std::snprintf(defaultPath, sizeof defaultPath, "/tmp/tessera-bench-load-%.3gGB.safetensors", sizeGb);
    const std::string path = textOption(options, "--file", defaultPath);
    const bool written = !fs::exists(path);
    if (written) {
        bench::writeLinearStackFile(path, int64_t(sizeGb * double(1ll << 30)));
        std::printf("written: %s\n", path.c_str());
    }
    if (!bench::resetPeakResident())
        std::cout << "note: could not reset the peak RSS; it includes writing the file\n";
    const int64_t baseline = bench::peakResidentBytes();
    using Clock = std::chrono::steady_clock;
    const auto seconds = [](Clock::time_point from) { return std::chrono::duration<double>(Clock::now() - from).count(); };
    auto start = Clock::now();
    const std::unique_ptr<WeightStore> store = openWeightStore(path);
    const double indexSeconds = seconds(start);
    start = Clock::now();
    std::unique_ptr<bench::LinearStack> module;
    {
        // Parameters are allocated at the target dtype: no fp32 module to cast down.
        DefaultDtypeGuard guard(dtype);
        module = std::make_unique<bench::LinearStack>(*store);
    }
    const double buildSeconds = seconds(start);
    start = Clock::now();
    loadWeights(*module, *store);
    const double loadSeconds = seconds(start);
    const int64_t fileBytes = int64_t(fs::file_size(path));
    const int64_t peak = bench::peakResidentBytes();
    std::printf("file: %s, %.1f MB, %zu tensors\n", path.c_str(), megabytes(fileBytes), store->keys().size());
    std::printf("module: %s on the cpu, %.1f MB of parameters\n", dtypeName.c_str(),
                megabytes(store->parameterCount() * int64_t(c10::elementSize(dtype))));
    std::printf("seconds: index %.2f, build module %.1f, load weights %.1f\n", indexSeconds, buildSeconds,
                loadSeconds);
    std::printf("resident before loading: %.1f MB (the process: libraries, torch's operator registry)\n",
                megabytes(baseline));
    std::printf("peak RSS: %.1f MB\n", megabytes(peak));
    std::printf("peak RSS / file size: %.3f\n", double(peak) / double(fileBytes));
    std::printf("(peak RSS - resident before) / file size: %.3f\n", double(peak - baseline) / double(fileBytes));
    if (written && options.count("--keep") == 0)
        fs::remove(path);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2 || std::string(argv[1]) == "--help") {
        std::cout << kUsage;
        return argc < 2 ? 2 : 0;
    }
    try {
        const std::string mode = argv[1];
        const Options options = parseOptions(argc, argv);
        if (mode == "throughput")
            return runThroughput(options);
        if (mode == "memory")
            return runMemory(options);
        if (mode == "verify")
            return runVerify(options);
        if (mode == "load")
            return runLoad(options);
        if (mode == "diffusion")
            return bench::runDiffusionTiming(options);
        if (mode == "diffusion-verify")
            return bench::runDiffusionVerify(options);
        if (mode == "refine")
            return bench::runRefineTiming(options);
        if (mode == "png")
            return bench::runPngTiming(options);
        if (mode == "precision")
            return bench::runPrecisionCheck(options);
        std::cerr << "tessera-bench: unknown mode '" << mode << "'\n" << kUsage;
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "tessera-bench: " << error.what() << "\n";
        return 1;
    }
}

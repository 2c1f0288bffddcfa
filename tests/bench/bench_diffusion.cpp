#include "bench_diffusion.h"

#include "bench_models.h"
#include "bench_profile.h"

#include "common/error.h"
#include "common/torch_compat.h"
#include "diffusion/diffusion_models.h"
#include "diffusion/text/clip_text.h"
#include "diffusion/samplers/sampler_registry.h"
#include "diffusion/sampling/denoiser.h"
#include "diffusion/sampling/discrete_schedule.h"
#include "diffusion/sampling/schedulers.h"
#include "diffusion/nn/group_norm.h"
#include "diffusion/unet/hypertile.h"
#include "diffusion/unet/unet.h"
#include "diffusion/vae/vae.h"
#include "image/tensor_convert.h"
#include "pipeline/refine_job.h"
#include "models/loaders/weight_store.h"

#include <ATen/Context.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <functional>
#include <vector>

namespace tessera::bench {
namespace {

using namespace tessera::sd;

DiffusionLoadOptions loadOptions(const Options& options)
{
    DiffusionLoadOptions load;
    load.device = parseDevice(textOption(options, "--device", "cpu"));
    load.precision = parsePrecision(textOption(options, "--precision", "fp16"));
    if (load.device.kind == DeviceKind::Cuda && !cudaAvailable())
        throw Error(ErrorCode::InvalidArgument, "CUDA is not available in this build or machine");
    return load;
}

std::vector<int> sizesOption(const Options& options, ModelFamily family)
{
    std::vector<int> sizes;
    for (const std::string& item : listOption(options, "--sizes", family == ModelFamily::Sd1 ? "512,1024" : "1024"))
        sizes.push_back(std::stoi(item));
    return sizes;
}

DiffusionModels loadCheckpoint(const Options& options, const DiffusionLoadOptions& load)
{
    const std::string path = textOption(options, "--checkpoint");
    if (path.empty())
        throw Error(ErrorCode::InvalidArgument, "--checkpoint FILE is needed");
    const int64_t residentBefore = peakResidentBytes();
    const std::unique_ptr<WeightStore> store = openWeightStore(path);
    const CheckpointLayout layout = inspectCheckpoint(*store);
    const auto start = std::chrono::steady_clock::now();
    DiffusionModels models = loadDiffusionModels(*store, layout, load);
    synchronizeDevice(load.device);
    std::printf("checkpoint: %s (%s: %s), loaded in %.1f s\n", path.c_str(), familyName(layout.family),
                layout.describe().c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    // Host memory: the networks' own bytes on the CPU, nothing else that lasts.
    int64_t parameterBytes = 0;
    for (const torch::nn::Module* module : std::initializer_list<const torch::nn::Module*>{
             models.unet.get(), models.vae.get(), models.clipL.get(), models.clipG.get()})
        if (module)
            for (const at::Tensor& p : module->parameters())
                parameterBytes += p.numel() * int64_t(p.element_size());
    const double mb = 1024.0 * 1024.0;
    std::printf("host peak RSS %.0f MB (%.0f MB before loading); file %.0f MB; parameters %.0f MB on %s\n",
                double(peakResidentBytes()) / mb, double(residentBefore) / mb,
                double(std::filesystem::file_size(path)) / mb, double(parameterBytes) / mb,
                deviceName(load.device).c_str());
    return models;
}

double relativeError(const at::Tensor& ours, const at::Tensor& theirs)
{
    const at::Tensor a = ours.to(at::kCPU, at::kDouble), b = theirs.to(at::kCPU, at::kDouble);
    return (a - b).norm().item<double>() / std::max(b.norm().item<double>(), 1e-30);
}

/// The sampler's own cost per step: a 10-step run of `sampler` with CFG
/// (its denoiser calls the UNet on a batch of 2), paired in the same process
/// with the same number of bare denoiser calls; the difference per call, as
/// a share of the bare call, median of 5 pairs (the GPU's clocks drift
/// between processes more than the sampler costs).
/// The same step replayed from a CUDA graph: its time against eager's,
/// the capture's cost and the largest difference from the eager output.
void timeGraphedSteps(UNetModel& unet, const UNetInputs& in, const DeviceSpec& device, int runs, double eagerMs,
                      int profileTop, const std::string& sizeText)
{
    const at::Tensor eager = unet.forward(in[0], in[1], in[2], in[3]);
    unet.setGraphCapacity(4);
    const auto start = std::chrono::steady_clock::now();
    unet.forward(in[0], in[1], in[2], in[3]); // warm-up and capture
    synchronizeDevice(device);
    const double captureMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (!unet.graphFailure().empty()) {
        std::printf("unet step with CUDA graphs %s: off, %s\n", sizeText.c_str(), unet.graphFailure().c_str());
    } else {
        const at::Tensor graphed = unet.forward(in[0], in[1], in[2], in[3]);
        const double difference = (graphed.to(at::kFloat) - eager.to(at::kFloat)).abs().max().item<double>();
        const double ms = medianMilliseconds(device, runs, [&] { unet.forward(in[0], in[1], in[2], in[3]); });
        std::printf("unet step with CUDA graphs %s: %.2f ms (%.2fx eager's %.2f; median of %d), capture and warm-up "
                    "%.0f ms, max |difference| from eager %.3g\n",
                    sizeText.c_str(), ms, eagerMs / ms, eagerMs, runs, captureMs, difference);
        if (profileTop > 0)
            printKernelProfile("unet step with CUDA graphs " + sizeText, device, 3, profileTop,
                               [&] { unet.forward(in[0], in[1], in[2], in[3]); });
    }
    unet.setGraphCapacity(0);
}

void timeSamplerOverhead(const UNetModel& unet, const std::string& sampler, const at::Tensor& latent,
                         const at::Tensor& context, const at::Tensor& y, const DeviceSpec& device)
{
    const DiscreteSchedule schedule = DiscreteSchedule::stableDiffusion();
    const at::Tensor sigmas = karrasSigmas(10, schedule.sigmaMin(), schedule.sigmaMax());
    const UNetConditioning positive{context.slice(0, 0, 1), y.defined() ? y.slice(0, 0, 1) : at::Tensor()};
    const UNetConditioning negative{context.slice(0, 1, 2), y.defined() ? y.slice(0, 1, 2) : at::Tensor()};
    const Denoiser guided = guidedEpsDenoiser(unet, schedule, positive, negative, 7.0);
    std::vector<double> calledSigmas;
    const Denoiser recorded = [&](const at::Tensor& x, double sigma) {
        calledSigmas.push_back(sigma);
        return guided(x, sigma);
    };
    const at::Tensor x = latent.to(at::kFloat) * sigmas[0].item<double>();
    auto milliseconds = [&](const std::function<void()>& run) {
        synchronizeDevice(device);
        const auto start = std::chrono::steady_clock::now();
        run();
        synchronizeDevice(device);
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    };
    runSampler(sampler, recorded, x, sigmas, 1); // warm-up; records the sigmas it calls at
    const std::vector<double> calls = calledSigmas;
    std::vector<double> overheads, bare;
    for (int pair = 0; pair < 5; ++pair) {
        const double withSampler = milliseconds([&] { runSampler(sampler, guided, x, sigmas, 1); });
        const double denoiserOnly = milliseconds([&] {
            for (double sigma : calls)
                guided(x, sigma);
        });
        overheads.push_back((withSampler - denoiserOnly) / double(calls.size()));
        bare.push_back(denoiserOnly / double(calls.size()));
    }
    std::sort(overheads.begin(), overheads.end());
    std::sort(bare.begin(), bare.end());
    const double overhead = overheads[2], call = bare[2];
    std::printf("sampler %s: 10 steps, %zu denoiser calls of %.2f ms; overhead %.3f ms per call = %.2f%% (median of 5 "
                "pairs; range %.3f..%.3f ms)\n",
                sampler.c_str(), calls.size(), call, overhead, 100.0 * overhead / call, overheads.front(), overheads.back());
}

/// The UNet's and VAE's GroupNorm at a 2048² image's largest shapes: torch's
/// kernel against ours (diffusion/nn/group_norm.h), time and largest
/// difference from an fp32 at::group_norm of the same values.
void compareGroupNorms(const DeviceSpec& device, at::ScalarType dtype)
{
    const at::TensorOptions options = at::TensorOptions().device(toTorchDevice(device)).dtype(dtype);
    for (const std::vector<int64_t>& shape : {std::vector<int64_t>{2, 320, 256, 256}, std::vector<int64_t>{1, 128, 2048, 2048}}) {
        // An offset per channel and a spread per group, as activations have.
        const at::Tensor x = (at::randn(shape, options) * 3 + at::randn({1, shape[1], 1, 1}, options)).contiguous();
        const at::Tensor weight = at::rand({shape[1]}, options) + 0.5, bias = at::randn({shape[1]}, options);
        const double native = medianMilliseconds(device, 10, [&] { at::group_norm(x, 32, weight, bias, 1e-6); });
        const double wide = medianMilliseconds(device, 10, [&] { groupNormByWideReductions(x, 32, weight, bias, 1e-6); });
        const at::Tensor reference = at::group_norm(x.to(at::kFloat), 32, weight.to(at::kFloat), bias.to(at::kFloat), 1e-6);
        const double ours = (groupNormByWideReductions(x, 32, weight, bias, 1e-6).to(at::kFloat) - reference).abs().max().item<double>();
        const double theirs = (at::group_norm(x, 32, weight, bias, 1e-6).to(at::kFloat) - reference).abs().max().item<double>();
        std::printf("group norm [%lld, %lld, %lld, %lld] %s: torch %.3f ms, wide reductions %.3f ms (%.1fx); max |diff| "
                    "from fp32: torch %.2e, ours %.2e\n",
                    (long long)shape[0], (long long)shape[1], (long long)shape[2], (long long)shape[3],
                    c10::toString(dtype), native, wide, native / wide, theirs, ours);
    }
}

} // namespace

int runDiffusionTiming(const Options& options)
{
    const DiffusionLoadOptions load = loadOptions(options);
    const DiffusionModels models = loadCheckpoint(options, load);
    const int runs = std::stoi(textOption(options, "--runs", "10"));
    if (runs < 1) // --runs 0: the load and its memory only
        return 0;
    const at::TensorOptions floats = at::TensorOptions().dtype(diffusionDtype(load)).device(toTorchDevice(load.device));
    const std::string precision = precisionName(load.precision);
    c10::InferenceMode inference;
    // cuDNN autotuning per shape (--cudnn-benchmark 0 keeps cuDNN's heuristics, as PyTorch's default).
    if (load.device.kind == DeviceKind::Cuda)
        at::globalContext().setBenchmarkCuDNN(textOption(options, "--cudnn-benchmark", "1") != "0");
    if (load.device.kind == DeviceKind::Cuda && textOption(options, "--group-norm", "0") != "0") {
        compareGroupNorms(load.device, at::kHalf);
        compareGroupNorms(load.device, at::kFloat);
    }
    // --group-norm-rows A,B,...: the UNet steps again per shortest wide GroupNorm row (0: torch's kernel only).
    std::vector<int64_t> rowLengths;
    for (const std::string& item : listOption(options, "--group-norm-rows", ""))
        rowLengths.push_back(std::stoll(item));
    if (rowLengths.empty())
        rowLengths.push_back(wideGroupNormRowLength());
    for (const int64_t rowLength : rowLengths)
    for (int size : sizesOption(options, models.layout.family)) {
        setWideGroupNormRowLength(rowLength);
        if (rowLengths.size() > 1)
            std::printf("GroupNorm rows of %lld values and longer take the wide reductions:\n", (long long)rowLength);
        if (models.unet) {
            const UNetConfig& config = models.unet->config();
            // One sampler step with classifier-free guidance: cond and uncond as one batch of 2.
            const at::Tensor x = at::randn({2, config.inChannels, size / 8, size / 8}, floats);
            const at::Tensor t = at::full({2}, 500.0, floats);
            const at::Tensor context = at::randn({2, 77, config.contextDim}, floats);
            const at::Tensor y = config.admInChannels ? at::randn({2, config.admInChannels}, floats) : at::Tensor();
            const double ms = medianMilliseconds(load.device, runs, [&] { models.unet->forward(x, t, context, y); });
            std::printf("unet step (cfg, batch 2) %dx%d %s: %.2f ms (median of %d)\n", size, size, precision.c_str(), ms,
                        runs);
            const int profileTop = std::stoi(textOption(options, "--profile", "0"));
            const std::string sizeText = std::to_string(size) + "x" + std::to_string(size);
            if (profileTop > 0)
                printKernelProfile("unet step " + sizeText, load.device, 3, profileTop,
                                   [&] { models.unet->forward(x, t, context, y); });
            if (UNetGraphCache::supported(x))
                timeGraphedSteps(*models.unet, {x, t, context, y}, load.device, runs, ms, profileTop, sizeText);
            if (const std::string tile = textOption(options, "--hypertile"); !tile.empty()) {
                HyperTileOptions hyperTile;
                hyperTile.tileSize = std::stoi(tile);
                hyperTile.maxDepth = std::stoi(textOption(options, "--hypertile-depth", "0"));
                std::make_shared<HyperTile>(hyperTile)->apply(*models.unet);
                const double tiled = medianMilliseconds(load.device, runs, [&] { models.unet->forward(x, t, context, y); });
                if (profileTop > 0)
                    printKernelProfile("unet step with hypertile " + sizeText, load.device, 3, profileTop,
                                       [&] { models.unet->forward(x, t, context, y); });
                HyperTile::remove(*models.unet);
                std::printf("unet step with hypertile %d, depth %d, %dx%d: %.2f ms (%.2fx faster)\n", hyperTile.tileSize,
                            hyperTile.maxDepth, size, size, tiled, ms / tiled);
            }
            for (const std::string& sampler : listOption(options, "--sampler", ""))
                timeSamplerOverhead(*models.unet, sampler, x.slice(0, 0, 1), context, y, load.device);
        }
        if (models.vae) {
            const at::Tensor latent = at::randn({1, models.vae->config().latentChannels, size / 8, size / 8}, floats);
            const at::Tensor image = at::rand({1, models.vae->config().imageChannels, size, size}, floats) * 2 - 1;
            const double decode = medianMilliseconds(load.device, runs, [&] { models.vae->decode(latent); });
            const double encode = medianMilliseconds(load.device, runs, [&] { models.vae->encode(image); });
            std::printf("vae decode %dx%d %s: %.2f ms; encode: %.2f ms (median of %d)%s\n", size, size,
                        precision.c_str(), decode, encode, runs,
                        models.vae->fellBack() ? " [fell back from fp16 on overflow]" : "");
        }
    }
    return 0;
}

int runDiffusionVerify(const Options& options)
{
    const DiffusionLoadOptions load = loadOptions(options);
    // fp32 checks compare IEEE fp32 to the reference: no TF32 shortcuts.
    at::globalContext().setAllowTF32CuBLAS(false);
    at::globalContext().setAllowTF32CuDNN(false);
    const DiffusionModels models = loadCheckpoint(options, load);
    const std::unique_ptr<WeightStore> reference = openWeightStore(textOption(options, "--reference"));
    const double tolerance = std::stod(textOption(options, "--tolerance", load.device.kind == DeviceKind::Cpu
                                                                          || load.precision == Precision::Fp32
                                                                      ? "1e-4"
                                                                      : "1e-2"));
    c10::InferenceMode inference;
    int failures = 0;
    auto report = [&](const char* what, const at::Tensor& ours, const std::string& key) {
        const at::Tensor theirs = reference->read(key);
        const double error = relativeError(ours, theirs);
        const bool ok = error <= tolerance;
        failures += ok ? 0 : 1;
        // The reference's size and spread, so that a zero error is seen to compare real values.
        std::printf("%-22s relative error %.3g %s (reference %s, rms %.3g)\n", what, error, ok ? "ok" : "FAILED",
                    c10::str(theirs.sizes()).c_str(), theirs.to(at::kDouble).pow(2).mean().sqrt().item<double>());
    };
    auto input = [&](const std::string& key) { return reference->read(key); };
    if (models.unet)
        report("unet", models.unet->forward(input("unet.x"), input("unet.t"), input("unet.context"),
                                            reference->contains("unet.y") ? input("unet.y") : at::Tensor()),
               "unet.out");
    if (models.vae) {
        report("vae decode", models.vae->decode(input("vae.decode.latent")), "vae.decode.out");
        report("vae encode (mean)", models.vae->encode(input("vae.image")), "vae.encode.mean");
    }
    if (models.clipL) {
        report("clip-l last + norm", models.clipL->encode(input("text.tokens"), 0, true).hidden, "clip_l.last");
        report("clip-l penultimate", models.clipL->encode(input("text.tokens"), 1, false).hidden, "clip_l.penultimate");
    }
    if (models.clipG) {
        const ClipTextOutput g = models.clipG->encode(input("text.tokens_g"), 1, false);
        report("bigG penultimate", g.hidden, "clip_g.penultimate");
        report("bigG pooled", g.pooled, "clip_g.pooled");
    }
    std::printf("tolerance %.3g on %s %s: %s\n", tolerance, deviceName(load.device).c_str(),
                precisionName(load.precision), failures ? "FAILED" : "all ok");
    return failures ? 1 : 0;
}

int runRefineTiming(const Options& options)
{
    const DiffusionLoadOptions load = loadOptions(options);
    const int size = std::stoi(textOption(options, "--size", "2048"));
    const int runs = std::stoi(textOption(options, "--runs", "3"));
    RefineSettings base;
    base.checkpoint = textOption(options, "--checkpoint");
    base.vocabularyPath = textOption(options, "--vocab");
    base.prompt = "a detailed photograph of a castle on a hill, sharp focus";
    base.negativePrompt = "blurry";
    base.device = load.device;
    base.precision = load.precision;
    base.tileSize = std::stoi(textOption(options, "--tile", "1024"));
    base.overlap = std::stoi(textOption(options, "--overlap", "-1"));
    base.steps = std::stoi(textOption(options, "--steps", "30"));
    base.denoise = std::stod(textOption(options, "--denoise", "0.25"));
    if (const std::string tile = textOption(options, "--hypertile"); !tile.empty()) {
        HyperTileOptions hyperTile;
        hyperTile.tileSize = std::stoi(tile);
        hyperTile.maxDepth = std::stoi(textOption(options, "--hypertile-depth", "0"));
        hyperTile.vae = textOption(options, "--hypertile-vae", "0") != "0";
        base.hyperTile = hyperTile;
    }
    if (load.device.kind == DeviceKind::Cuda)
        at::globalContext().setBenchmarkCuDNN(true);
    // A smooth synthetic picture (the content does not change the cost).
    const at::Tensor y = at::linspace(0.0, 1.0, size).view({1, 1, size, 1});
    const at::Tensor x = at::linspace(0.0, 1.0, size).view({1, 1, 1, size});
    const at::Tensor ones = at::ones({1, 1, size, size});
    const Image image = tensorToImage(at::cat({0.5 + 0.3 * at::sin(9.0 * x) * at::cos(7.0 * y), (0.4 + 0.2 * x) * ones,
                                               (0.6 - 0.3 * y) * ones}, 1));
    RefineJob job;
    for (const std::string& mode : listOption(options, "--modes", "blend,tiles,pixel")) {
        const std::vector<std::string> batches =
            mode == "blend" ? listOption(options, "--batches", "1,4") : std::vector<std::string>{"1"};
        for (const std::string& batch : batches) {
            RefineSettings s = base;
            s.mode = parseRefineMode(mode);
            s.batch = std::stoi(batch);
            const RefinePlan plan = job.plan(s, size, size);
            const double ms = medianMilliseconds(load.device, runs, [&] { job.run(s, image); }, 1);
            const int tileSteps = plan.tiles.tileCount() * plan.steps();
            std::printf("refine %s%s batch %d %dx%d %s: %d tiles of %d, %d steps: %.1f ms (median of %d), %.2f ms per "
                        "tile step\n",
                        mode.c_str(), base.hyperTile ? " (HyperTile)" : "", plan.batch, size, size, precisionName(load.precision), plan.tiles.tileCount(),
                        plan.tiles.settings().tileSize, plan.steps(), ms, runs, ms / tileSteps);
            std::fflush(stdout);
        }
    }
    return 0;
}

} // namespace tessera::bench

// tessera-cli generate / img2img: Stable Diffusion sampling from the command
// line through SamplingJob, with ComfyUI's KSampler / KSamplerAdvanced options.
// Ctrl+C cancels between steps (exit 130, nothing written).

#include "cli/cli_support.h"
#include "cli/commands.h"

#include "common/error.h"
#include "common/text.h"
#include "diffusion/samplers/sampler_registry.h"
#include "diffusion/sampling/schedulers.h"
#include "io/image_reader.h"
#include "io/image_writer.h"
#include "pipeline/sampling_job.h"

#include <iostream>
#include <optional>
#include <string>

namespace tessera::cli {
namespace {

std::string joined(const std::vector<std::string>& names)
{
    std::string text;
    for (const std::string& name : names)
        text += (text.empty() ? "" : " ") + name;
    return text;
}

std::string usage(bool img2img)
{
    const std::string head = img2img
        ? "Usage: tessera-cli img2img IN -o OUT --model CKPT --prompt P [--denoise D] [options]\n"
          "Encodes IN with the VAE, re-samples it from noise level D and decodes it.\n"
        : "Usage: tessera-cli generate -o OUT --model CKPT --prompt P [options]\n"
          "Samples an image from the prompt (SD 1.x, SDXL base, optionally -> SDXL refiner).\n";
    return head + R"(
  --model CKPT          the checkpoint: .safetensors, .ckpt or a diffusers folder
                        (a name alone is looked up in the models folder)
  --prompt P            the prompt, in ComfyUI's syntax ((word:1.2), (word), \( \))
  --negative N          the negative prompt (default empty)
  --steps N             sampler steps (default 20; with --refiner 30)
  --cfg X               classifier-free guidance scale (default 8; with --refiner 6.5)
  --sampler S           default euler; with --refiner dpmpp_3m_sde_gpu
  --scheduler S         default normal; with --refiner exponential
  --seed N              the noise seed, as ComfyUI's (default 0)
  --width W --height H  txt2img size, multiples of 8 (default 512 SD 1.x, 1024 SDXL)
  --denoise D           0..1: how much of the schedule runs (img2img strength; default 1,
                        img2img 0.75)
  --start-step K        KSamplerAdvanced start_at_step (default 0)
  --end-step K          KSamplerAdvanced end_at_step (default: the last; with --refiner 14)
  --no-add-noise        add_noise disable: sample the latent as it is
  --leftover-noise      return_with_leftover_noise: an early end keeps its noise
  --refiner CKPT        an SDXL refiner that continues the base's latent (noise disabled,
                        full denoise forced)
  --refiner-steps N     the refiner's schedule length (default 32)
  --refiner-cfg X       the refiner's guidance (default 3.5)
  --refiner-sampler S --refiner-scheduler S   (default: the base's)
  --switch-step K       the refiner starts at step K of its schedule (default 15)
  --ascore X --negative-ascore X   refiner aesthetic scores (default 6 and 2.5)
  --hypertile           HyperTile: self-attention within tiles at the full-resolution
                        levels (faster on large images; seeded by --seed)
  --hypertile-tile S    its tile size in pixels, 1..2048 (default 256)
  --hypertile-swap N    tilings to pick from, 1..128 (default 2)
  --hypertile-depth D   deepest UNet level tiled, 0..10 (default 0; SDXL needs 1 or more)
  --hypertile-scale-depth   deeper levels use 2^level larger tiles
  --vae FILE            a VAE that replaces the checkpoint's
  --clip-skip N         SD 1.x: 1 the last CLIP layer, 2 the penultimate (default 1)
  --vocab DIR|FILE      the CLIP vocabulary (default: searched beside the checkpoint, in
                        $TESSERA_CLIP_VOCAB, the Hugging Face cache and ComfyUI)
  --device D            cpu | cuda | cuda:N (default cpu)
  --precision P         fp16 | bf16 | fp32 on CUDA (default fp16; the CPU runs fp32)
  --bits 8|16|32        bits per sample of OUT (default 8)

Samplers:   )" + joined(sd::samplerNames()) + R"(
Schedulers: )" + joined(sd::schedulerNames()) + R"(
The output's "parameters" metadata holds the prompt, seed, sampler, steps, cfg
and model (tessera-cli info shows it).
)";
}

struct GenerateArgs {
    std::string input; // img2img only
    std::string output;
    GenerationSettings settings;
    int bits = 8;
    bool help = false;
};

/// Options set on the command line, applied over the defaults of the mode
/// (plain, img2img, or the seed's base -> refiner handoff).
struct PassOptions {
    std::optional<std::string> sampler, scheduler;
    std::optional<int> steps, startStep, endStep;
    std::optional<double> cfg, denoise;
    bool noAddNoise = false, leftoverNoise = false;
};

GenerateArgs parseArgs(const Args& args, bool img2img)
{
    GenerateArgs parsed;
    PassOptions base;
    std::optional<int> refinerSteps, switchStep;
    std::optional<double> refinerCfg;
    std::optional<std::string> refinerSampler, refinerScheduler;
    GenerationSettings& s = parsed.settings;
    // Any --hypertile* option turns HyperTile on with the other values at their defaults.
    auto hyperTile = [&]() -> sd::HyperTileOptions& {
        if (!s.hyperTile)
            s.hyperTile = sd::HyperTileOptions{};
        return *s.hyperTile;
    };
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= args.size())
                throw UsageError{arg + " needs a value"};
            return args[++i];
        };
        try {
            if (arg == "--help" || arg == "-h") {
                parsed.help = true;
                return parsed;
            }
            if (arg == "-o" || arg == "--output") parsed.output = value();
            else if (arg == "-m" || arg == "--model") s.checkpoint = value();
            else if (arg == "--prompt") s.prompt = value();
            else if (arg == "--negative") s.negativePrompt = value();
            else if (arg == "--steps") base.steps = parseInt(arg, value(), 1);
            else if (arg == "--cfg") base.cfg = parseDouble(arg, value(), 0.0, 100.0);
            else if (arg == "--sampler") base.sampler = value();
            else if (arg == "--scheduler") base.scheduler = value();
            else if (arg == "--seed") s.seed = parseUnsigned(arg, value());
            else if (arg == "--width") s.width = parseInt(arg, value(), 8);
            else if (arg == "--height") s.height = parseInt(arg, value(), 8);
            else if (arg == "--denoise") base.denoise = parseDouble(arg, value(), 0.0, 1.0);
            else if (arg == "--start-step") base.startStep = parseInt(arg, value(), 0);
            else if (arg == "--end-step") base.endStep = parseInt(arg, value(), 0);
            else if (arg == "--no-add-noise") base.noAddNoise = true;
            else if (arg == "--leftover-noise") base.leftoverNoise = true;
            else if (arg == "--refiner") s.refinerCheckpoint = value();
            else if (arg == "--refiner-steps") refinerSteps = parseInt(arg, value(), 1);
            else if (arg == "--refiner-cfg") refinerCfg = parseDouble(arg, value(), 0.0, 100.0);
            else if (arg == "--refiner-sampler") refinerSampler = value();
            else if (arg == "--refiner-scheduler") refinerScheduler = value();
            else if (arg == "--switch-step") switchStep = parseInt(arg, value(), 0);
            else if (arg == "--ascore") s.aestheticScore = parseDouble(arg, value(), 0.0, 10.0);
            else if (arg == "--negative-ascore") s.negativeAestheticScore = parseDouble(arg, value(), 0.0, 10.0);
            else if (arg == "--hypertile") hyperTile();
            else if (arg == "--hypertile-tile") hyperTile().tileSize = parseInt(arg, value(), 1);
            else if (arg == "--hypertile-swap") hyperTile().swapSize = parseInt(arg, value(), 1);
            else if (arg == "--hypertile-depth") hyperTile().maxDepth = parseInt(arg, value(), 0);
            else if (arg == "--hypertile-scale-depth") hyperTile().scaleDepth = true;
            else if (arg == "--vae") s.vaePath = value();
            else if (arg == "--clip-skip") s.clipSkip = parseInt(arg, value(), 1);
            else if (arg == "--vocab") s.vocabularyPath = value();
            else if (arg == "--device") s.device = parseDevice(value());
            else if (arg == "--precision") s.precision = parsePrecision(value());
            else if (arg == "--bits") {
                parsed.bits = parseInt(arg, value(), 8);
                if (parsed.bits != 8 && parsed.bits != 16 && parsed.bits != 32)
                    throw UsageError{"--bits must be 8, 16 or 32"};
            } else if (!arg.empty() && arg[0] == '-')
                throw UsageError{"unknown option " + arg};
            else if (img2img && parsed.input.empty())
                parsed.input = arg;
            else
                throw UsageError{"unexpected argument '" + arg + "'"};
        } catch (const Error& error) {
            throw UsageError{error.what()}; // parseDevice and friends name what they expected
        }
    }
    const std::string command = img2img ? "img2img" : "generate";
    if ((img2img && parsed.input.empty()) || parsed.output.empty() || s.checkpoint.empty())
        throw UsageError{command + " needs " + (img2img ? "IN, " : "") + "-o OUT and --model CKPT (see tessera-cli " +
                         command + " --help)"};
    if (!isWritableExtension(lowerExtension(parsed.output)))
        throw UsageError{"cannot write '" + parsed.output + "': use .png, .tif, .exr, .jpg or .webp"};
    if (img2img && (s.width > 0 || s.height > 0))
        throw UsageError{"img2img takes its size from IN; leave out --width and --height"};
    if (s.refinerCheckpoint.empty() && (refinerSteps || refinerCfg || refinerSampler || refinerScheduler || switchStep))
        throw UsageError{"--refiner-* and --switch-step need --refiner CKPT"};

    // The mode's defaults, then what was given.
    const bool refined = !s.refinerCheckpoint.empty();
    s.base = refined ? seedBasePass() : SamplingPass{};
    if (img2img)
        s.base.denoise = 0.75;
    if (base.sampler) s.base.sampler = *base.sampler;
    if (base.scheduler) s.base.scheduler = *base.scheduler;
    if (base.steps) s.base.steps = *base.steps;
    if (base.cfg) s.base.cfg = *base.cfg;
    if (base.denoise) s.base.denoise = *base.denoise;
    if (base.startStep) s.base.startStep = *base.startStep;
    if (base.endStep) s.base.endStep = *base.endStep;
    if (base.noAddNoise) s.base.addNoise = false;
    if (base.leftoverNoise) s.base.leftoverNoise = true;
    if (refined) {
        s.refiner = seedRefinerPass();
        s.refiner.sampler = refinerSampler.value_or(s.base.sampler);
        s.refiner.scheduler = refinerScheduler.value_or(s.base.scheduler);
        if (refinerSteps) s.refiner.steps = *refinerSteps;
        if (refinerCfg) s.refiner.cfg = *refinerCfg;
        if (switchStep) s.refiner.startStep = *switchStep;
    }
    s.checkpoint = resolveModelPath(s.checkpoint);
    s.refinerCheckpoint = resolveModelPath(s.refinerCheckpoint);
    s.vaePath = resolveModelPath(s.vaePath);
    return parsed;
}

int runSampling(const Args& args, bool img2img)
{
    const GenerateArgs parsed = parseArgs(args, img2img);
    if (parsed.help) {
        std::cout << usage(img2img);
        return kExitOk;
    }
    std::optional<Image> init;
    if (img2img)
        init = readImage(parsed.input);
    SamplingJob job;
    const SamplingPlan plan = job.plan(parsed.settings, init ? &*init : nullptr);
    for (const std::string& note : plan.notes)
        std::cerr << "note: " << note << "\n";
    CancelToken cancel;
    Image image;
    {
        InterruptScope interrupt(cancel);
        ProgressPrinter printer("steps");
        image = job.run(parsed.settings, init ? &*init : nullptr, cancel, [&](const Progress& p) { printer(p); });
        cancel.throwIfCancelled();
    }
    WriteOptions write;
    write.bits = parsed.bits;
    writeImage(image, parsed.output, write);
    std::cout << "wrote " << parsed.output << " (" << plan.width << " x " << plan.height << ", "
              << sd::familyName(plan.family) << ", " << plan.steps() << " steps, seed " << parsed.settings.seed
              << ")\n";
    return kExitOk;
}

} // namespace

int runGenerate(const Args& args)
{
    return runSampling(args, /*img2img=*/false);
}

int runImg2Img(const Args& args)
{
    return runSampling(args, /*img2img=*/true);
}

} // namespace tessera::cli

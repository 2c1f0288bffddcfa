// tessera-cli generate / img2img: Stable Diffusion sampling from the command
// line through SamplingJob, with ComfyUI's KSampler / KSamplerAdvanced options.
// Ctrl+C cancels between steps (exit 130, nothing written).

#include "cli/cli_diffusion_options.h"
#include "cli/cli_support.h"
#include "cli/commands.h"

#include "io/image_reader.h"
#include "io/image_writer.h"
#include "pipeline/sampling_job.h"

#include <iostream>
#include <optional>
#include <string>

namespace tessera::cli {
namespace {

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
)" + diffusionOptionsHelp() + samplerAndSchedulerNames() + R"(
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

GenerateArgs parseArgs(const Args& args, bool img2img)
{
    GenerateArgs parsed;
    DiffusionOptions options;
    std::optional<int> startStep, endStep, refinerSteps, switchStep;
    std::optional<double> refinerCfg;
    std::optional<std::string> refinerSampler, refinerScheduler;
    bool noAddNoise = false, leftoverNoise = false;
    GenerationSettings& s = parsed.settings;
    parsed.help = !walkArguments(args, [&](const std::string& arg, const ArgumentValue& value) {
        if (takeDiffusionOption(arg, value, options))
            return;
        if (arg == "-o" || arg == "--output") parsed.output = value();
        else if (arg == "--width") s.width = parseInt(arg, value(), 8);
        else if (arg == "--height") s.height = parseInt(arg, value(), 8);
        else if (arg == "--start-step") startStep = parseInt(arg, value(), 0);
        else if (arg == "--end-step") endStep = parseInt(arg, value(), 0);
        else if (arg == "--no-add-noise") noAddNoise = true;
        else if (arg == "--leftover-noise") leftoverNoise = true;
        else if (arg == "--refiner-steps") refinerSteps = parseInt(arg, value(), 1);
        else if (arg == "--refiner-cfg") refinerCfg = parseDouble(arg, value(), 0.0, 100.0);
        else if (arg == "--refiner-sampler") refinerSampler = value();
        else if (arg == "--refiner-scheduler") refinerScheduler = value();
        else if (arg == "--switch-step") switchStep = parseInt(arg, value(), 0);
        else if (!arg.empty() && arg[0] == '-')
            throw UsageError{"unknown option " + arg};
        else if (img2img && parsed.input.empty())
            parsed.input = arg;
        else
            throw UsageError{"unexpected argument '" + arg + "'"};
    });
    if (parsed.help)
        return parsed;
    const std::string command = img2img ? "img2img" : "generate";
    if ((img2img && parsed.input.empty()) || parsed.output.empty() || options.checkpoint.empty())
        throw UsageError{command + " needs " + (img2img ? "IN, " : "") + "-o OUT and --model CKPT (see tessera-cli " +
                         command + " --help)"};
    checkOutputPath(parsed.output);
    if (img2img && (s.width > 0 || s.height > 0))
        throw UsageError{"img2img takes its size from IN; leave out --width and --height"};
    if (options.refinerCheckpoint.empty() && (refinerSteps || refinerCfg || refinerSampler || refinerScheduler || switchStep))
        throw UsageError{"--refiner-* and --switch-step need --refiner CKPT"};

    resolveDiffusionModels(options);
    applyDiffusionOptions(options, s);
    parsed.bits = options.bits;
    // The mode's defaults, then what was given.
    const bool refined = !s.refinerCheckpoint.empty();
    SamplingPass base = refined ? seedBasePass() : SamplingPass{};
    if (img2img)
        base.denoise = 0.75;
    s.base = withPassOptions(base, options.pass);
    if (startStep) s.base.startStep = *startStep;
    if (endStep) s.base.endStep = *endStep;
    if (noAddNoise) s.base.addNoise = false;
    if (leftoverNoise) s.base.leftoverNoise = true;
    if (refined) {
        s.refiner = seedRefinerPass();
        s.refiner.sampler = refinerSampler.value_or(s.base.sampler);
        s.refiner.scheduler = refinerScheduler.value_or(s.base.scheduler);
        if (refinerSteps) s.refiner.steps = *refinerSteps;
        if (refinerCfg) s.refiner.cfg = *refinerCfg;
        if (switchStep) s.refiner.startStep = *switchStep;
    }
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
    printNotes(plan.notes);
    Image image;
    runCancellable("steps", [&](const CancelToken& cancel, const ProgressSink& progress) {
        image = job.run(parsed.settings, init ? &*init : nullptr, cancel, progress);
    });
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

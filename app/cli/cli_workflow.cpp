// tessera-cli workflow: the product's creative upscale (Mikey Sampler
// Tiled) through WorkflowJob: base -> refiner, model upscale, resize, tiled
// refinement; writes the refined image and, on request, the plain upscaled
// one. Ctrl+C cancels within a step (exit 130, nothing written).

#include "cli/cli_diffusion_options.h"
#include "cli/cli_support.h"
#include "cli/commands.h"

#include "common/error.h"
#include "io/image_reader.h"
#include "io/image_writer.h"
#include "pipeline/workflow_job.h"

#include <iostream>
#include <optional>
#include <string>

namespace tessera::cli {
namespace {

std::string usage()
{
    return R"(Usage: tessera-cli workflow -o OUT --model CKPT --refiner CKPT --prompt P
                          --upscale-model M --upscale-by X [options]
Generates with the SDXL base (steps 0..14 of 30, cfg 6.5, dpmpp_3m_sde_gpu,
exponential), hands over to the refiner (from step 15 of 32, cfg 3.5, noise
disabled), upscales with the model, resizes to the generated size times X
(rounded down to multiples of 8) and refines the tiles.

  --model CKPT --refiner CKPT   the base and the refiner
  --prompt P --negative N       the prompts, in ComfyUI's syntax
  --width W --height H  the generated size (default 1024 x 1024 on SDXL)
  --steps N --cfg X --sampler S --scheduler S   the base's pass (the refiner
                        takes the sampler and scheduler too)
  --end-step K          where the base stops (default 14)
  --refiner-steps N     the refiner's schedule (default 32)
  --refiner-cfg X       (default 3.5)
  --switch-step K       where the refiner starts (default 15)
  --input IN            start from IN instead of generating (skips base and refiner)
  --upscale-model M     any upscale model (a name alone is looked up in the models folder)
  --upscale-by X        0.1..10 (default 1)
  --tiler-model base|refiner   which checkpoint refines the tiles (default base)
  --tiler-denoise D     (default 0.25)
  --tiler-steps N --tiler-cfg X --tiler-sampler S --tiler-scheduler S
                        the refinement's pass (default 30, 5, dpmpp_2m_sde_gpu, karras)
  --also-upscaled OUT2  write the upscaled image before refinement too
  --seed N              the seed of every stage (default 0)
)" + refineTileOptionsHelp() +
           diffusionOptionsHelp() + samplerAndSchedulerNames();
}

struct WorkflowArgs {
    std::string input, output, alsoUpscaled;
    WorkflowSettings settings;
    int bits = 8;
    bool help = false;
};

WorkflowArgs parseArgs(const Args& args)
{
    WorkflowArgs parsed;
    DiffusionOptions options;
    RefineTileOptions tiles;
    PassOptions tiler;
    std::optional<int> endStep, refinerSteps, switchStep;
    std::optional<double> refinerCfg;
    WorkflowSettings& s = parsed.settings;
    parsed.help = !walkArguments(args, [&](const std::string& arg, const ArgumentValue& value) {
        if (takeDiffusionOption(arg, value, options) || takeRefineTileOption(arg, value, tiles))
            return;
        if (arg == "-o" || arg == "--output") parsed.output = value();
        else if (arg == "--input") parsed.input = value();
        else if (arg == "--also-upscaled") parsed.alsoUpscaled = value();
        else if (arg == "--width") s.generation.width = parseInt(arg, value(), 8);
        else if (arg == "--height") s.generation.height = parseInt(arg, value(), 8);
        else if (arg == "--end-step") endStep = parseInt(arg, value(), 0);
        else if (arg == "--refiner-steps") refinerSteps = parseInt(arg, value(), 1);
        else if (arg == "--refiner-cfg") refinerCfg = parseDouble(arg, value(), 0.0, 100.0);
        else if (arg == "--switch-step") switchStep = parseInt(arg, value(), 0);
        else if (arg == "--upscale-model") s.upscaleModel = value();
        else if (arg == "--upscale-by") s.upscaleBy = parseDouble(arg, value(), 0.1, 10.0);
        else if (arg == "--tiler-model") s.tilerModel = parseTilerModel(value());
        else if (arg == "--tiler-denoise") tiler.denoise = parseDouble(arg, value(), 0.0, 1.0);
        else if (arg == "--tiler-steps") tiler.steps = parseInt(arg, value(), 1);
        else if (arg == "--tiler-cfg") tiler.cfg = parseDouble(arg, value(), 0.0, 100.0);
        else if (arg == "--tiler-sampler") tiler.sampler = value();
        else if (arg == "--tiler-scheduler") tiler.scheduler = value();
        else if (!arg.empty() && arg[0] == '-')
            throw UsageError{"unknown option " + arg};
        else
            throw UsageError{"unexpected argument '" + arg + "'"};
    });
    if (parsed.help)
        return parsed;
    if (parsed.output.empty() || options.checkpoint.empty())
        throw UsageError{"workflow needs -o OUT and --model CKPT (see tessera-cli workflow --help)"};
    if (parsed.input.empty() && options.refinerCheckpoint.empty())
        throw UsageError{"workflow generates with --model and --refiner; give --refiner CKPT (or --input IN)"};
    checkOutputPath(parsed.output);
    if (!parsed.alsoUpscaled.empty())
        checkOutputPath(parsed.alsoUpscaled);
    if (!parsed.input.empty() && (s.generation.width > 0 || s.generation.height > 0))
        throw UsageError{"--input takes its size from IN; leave out --width and --height"};

    resolveDiffusionModels(options);
    s.upscaleModel = resolveModelPath(s.upscaleModel);
    applyDiffusionOptions(options, s.generation);
    parsed.bits = options.bits;
    s.generation.base = withPassOptions(seedBasePass(), options.pass);
    if (endStep) s.generation.base.endStep = *endStep;
    s.generation.refiner = seedRefinerPass();
    s.generation.refiner.sampler = s.generation.base.sampler;
    s.generation.refiner.scheduler = s.generation.base.scheduler;
    if (refinerSteps) s.generation.refiner.steps = *refinerSteps;
    if (refinerCfg) s.generation.refiner.cfg = *refinerCfg;
    if (switchStep) s.generation.refiner.startStep = *switchStep;
    applyPassOptions(tiler, s.refine);
    s.refine.hyperTile = options.hyperTile;
    applyRefineTileOptions(tiles, s.refine);
    return parsed;
}

} // namespace

int runWorkflow(const Args& args)
{
    const WorkflowArgs parsed = parseArgs(args);
    if (parsed.help) {
        std::cout << usage();
        return kExitOk;
    }
    std::optional<Image> start;
    if (!parsed.input.empty())
        start = readImage(parsed.input);
    WorkflowJob job;
    const WorkflowPlan plan = job.plan(parsed.settings, start ? &*start : nullptr);
    printNotes(plan.notes);
    WorkflowResult result;
    runCancellable("units", [&](const CancelToken& cancel, const ProgressSink& progress) {
        result = job.run(parsed.settings, start ? &*start : nullptr, cancel, progress);
    });
    WriteOptions write;
    write.bits = parsed.bits;
    writeImage(result.refined, parsed.output, write);
    std::cout << "wrote " << parsed.output << " (" << result.refined.width() << " x " << result.refined.height()
              << ", refined)\n";
    if (!parsed.alsoUpscaled.empty()) {
        writeImage(result.upscaled, parsed.alsoUpscaled, write);
        std::cout << "wrote " << parsed.alsoUpscaled << " (" << result.upscaled.width() << " x "
                  << result.upscaled.height() << ", upscaled)\n";
    }
    return kExitOk;
}

} // namespace tessera::cli

// tessera-cli refine: tiled refinement of an image (optionally upscaled
// first with a model of the zoo) through RefineJob / WorkflowJob. Ctrl+C
// cancels within a step (exit 130, nothing written).

#include "cli/cli_diffusion_options.h"
#include "cli/cli_support.h"
#include "cli/commands.h"

#include "io/image_reader.h"
#include "io/image_writer.h"
#include "pipeline/refine_job.h"
#include "pipeline/workflow_job.h"

#include <iostream>
#include <optional>
#include <string>

namespace tessera::cli {
namespace {

std::string usage()
{
    return R"(Usage: tessera-cli refine IN -o OUT --model CKPT --prompt P [options]
Adds detail to IN tile by tile with a diffusion checkpoint, without seams:
resampled from step int(steps - steps * denoise) of the schedule.

  --model CKPT          the checkpoint: .safetensors, .ckpt or a diffusers folder
  --refiner CKPT        an SDXL refiner that takes the last steps of every tile
  --switch-step K       the step where the refiner takes over (default 80% of --steps)
  --prompt P --negative N   the prompts, in ComfyUI's syntax
  --denoise D           0..1, how much is resampled (default 0.25)
  --steps N             schedule length (default 30)
  --cfg X               guidance (default 5)
  --sampler S           default dpmpp_2m_sde_gpu
  --scheduler S         default karras
  --seed N              the noise seed (default 0)
  --upscale-model M     upscale IN with this model first (a name alone is looked up
                        in the models folder) ...
  --upscale-by X        ... and resize to IN's size times X, rounded down to
                        multiples of 8 (default 1 with a model; without one, a plain resize)
  --force               run a plan of over 10000 tiles (refused without it)
)" + refineTileOptionsHelp() +
           diffusionOptionsHelp() + samplerAndSchedulerNames();
}

struct RefineArgs {
    std::string input, output;
    std::string upscaleModel;
    std::optional<double> upscaleBy;
    std::optional<int> switchStep;
    DiffusionOptions options;
    RefineTileOptions tiles;
    bool force = false; ///< run plans of over kTilesNeedingConfirmation tiles
    bool help = false;
};

RefineArgs parseArgs(const Args& args)
{
    RefineArgs parsed;
    parsed.help = !walkArguments(args, [&](const std::string& arg, const ArgumentValue& value) {
        if (takeDiffusionOption(arg, value, parsed.options) || takeRefineTileOption(arg, value, parsed.tiles))
            return;
        if (arg == "-o" || arg == "--output") parsed.output = value();
        else if (arg == "--upscale-model") parsed.upscaleModel = value();
        else if (arg == "--upscale-by") parsed.upscaleBy = parseDouble(arg, value(), 0.1, 10.0);
        else if (arg == "--switch-step") parsed.switchStep = parseInt(arg, value(), 0);
        else if (arg == "--force") parsed.force = true;
        else if (!arg.empty() && arg[0] == '-')
            throw UsageError{"unknown option " + arg};
        else if (parsed.input.empty())
            parsed.input = arg;
        else
            throw UsageError{"unexpected argument '" + arg + "'"};
    });
    if (parsed.help)
        return parsed;
    if (parsed.input.empty() || parsed.output.empty() || parsed.options.checkpoint.empty())
        throw UsageError{"refine needs IN, -o OUT and --model CKPT (see tessera-cli refine --help)"};
    checkOutputPath(parsed.output);
    if (parsed.switchStep && parsed.options.refinerCheckpoint.empty())
        throw UsageError{"--switch-step needs --refiner CKPT"};
    resolveDiffusionModels(parsed.options);
    parsed.upscaleModel = resolveModelPath(parsed.upscaleModel);
    return parsed;
}

RefineSettings refineSettings(const RefineArgs& parsed)
{
    RefineSettings s;
    applyDiffusionOptions(parsed.options, s);
    applyPassOptions(parsed.options.pass, s);
    if (parsed.switchStep) s.refinerStartStep = *parsed.switchStep;
    applyRefineTileOptions(parsed.tiles, s);
    return s;
}

} // namespace

int runRefine(const Args& args)
{
    const RefineArgs parsed = parseArgs(args);
    if (parsed.help) {
        std::cout << usage();
        return kExitOk;
    }
    const Image input = readImage(parsed.input);
    const RefineSettings settings = refineSettings(parsed);
    const bool upscales = !parsed.upscaleModel.empty() || parsed.upscaleBy;

    // With an upscale the workflow's last stages run from the image.
    WorkflowSettings workflow;
    applyDiffusionOptions(parsed.options, workflow.generation); // the tiler's prompts, seed and device
    workflow.upscaleModel = parsed.upscaleModel;
    workflow.upscaleBy = parsed.upscaleBy.value_or(1.0);
    workflow.refine = settings;
    WorkflowJob workflowJob;
    RefineJob refineJob;
    const RefinePlan plan = upscales ? workflowJob.plan(workflow, &input).refine
                                     : refineJob.plan(settings, input.width(), input.height());
    printNotes(plan.notes);
    checkTileCount(plan.tiles, parsed.force);
    Image refined;
    runCancellable("tile steps", [&](const CancelToken& cancel, const ProgressSink& progress) {
        refined = upscales ? workflowJob.run(workflow, &input, cancel, progress).refined
                           : refineJob.run(settings, input, cancel, progress);
    });
    WriteOptions write;
    write.bits = parsed.options.bits;
    writeImage(refined, parsed.output, write);
    std::cout << "wrote " << parsed.output << " (" << refined.width() << " x " << refined.height() << ", "
              << refineModeName(settings.mode) << ", " << plan.tiles.tileCount() << " tiles, " << plan.steps()
              << " steps, seed " << settings.seed << ")\n";
    return kExitOk;
}

} // namespace tessera::cli

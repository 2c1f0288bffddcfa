#pragma once
/// What a workflow runs (workflow_job.h runs it): the generation, the model
/// upscale and the tiled refinement's settings. Torch-free, so the app's
/// panels hold them.

#include "pipeline/generation_settings.h"
#include "pipeline/refine_settings.h"
#include "pipeline/upscale_plan.h"

#include <string>

namespace tessera {

/// Which checkpoint refines the tiles (the seed's tiler_model).
enum class TilerModel { Base, Refiner };
const char* tilerModelName(TilerModel model);
/// "base" or "refiner"; throws Error(InvalidArgument) otherwise.
TilerModel parseTilerModel(const std::string& text);

/// The seed's generation: the base's pass and the refiner's (seedBasePass, seedRefinerPass).
GenerationSettings workflowGeneration();

struct WorkflowSettings {
    /// The generation: checkpoints, prompts, seed, device and precision serve every stage.
    GenerationSettings generation = workflowGeneration();
    /// The upscale model (any model of the zoo); empty: the resize alone.
    /// upscale.modelPath, device and precision are filled from these.
    std::string upscaleModel;
    UpscaleSettings upscale;
    double upscaleBy = 1.0; ///< the result's size relative to the generated image, 0.1..10 (the seed's default 1)
    TilerModel tilerModel = TilerModel::Base;
    /// The refinement's pass and tiles (denoise = the seed's tiler_denoise, 0.25);
    /// its checkpoint, prompts, seed, VAE and device come from `generation`.
    RefineSettings refine;
};

/// settings.refine with the tiler checkpoint, the prompts, seed, VAE,
/// vocabulary, device and precision of the generation.
RefineSettings tilerSettings(const WorkflowSettings& settings);
/// settings.upscale with the model, device and precision.
UpscaleSettings upscaleSettings(const WorkflowSettings& settings);

} // namespace tessera

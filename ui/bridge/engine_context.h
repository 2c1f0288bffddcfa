#pragma once
/// What the engine thread keeps between jobs (internal to ui/bridge; includes
/// LibTorch through core): the upscale job with its loaded model, so that
/// changing a tile setting never reloads a model, and the diffusion jobs on
/// one checkpoint cache, so a refinement after a workflow (or a preview
/// after a settings change) finds its checkpoint loaded.

#include "pipeline/checkpoint_cache.h"
#include "pipeline/refine_job.h"
#include "pipeline/upscale_job.h"
#include "pipeline/workflow_job.h"

#include <memory>

namespace tessera {

class EngineContext {
public:
    UpscaleJob upscale;
    std::shared_ptr<CheckpointCache> checkpoints = std::make_shared<CheckpointCache>();
    RefineJob refine{checkpoints};
    WorkflowJob workflow{checkpoints};
};

} // namespace tessera

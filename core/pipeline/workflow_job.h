#pragma once
/// The workflow job (Mikey Sampler Tiled): base -> refiner sampling, VAE
/// decode, model upscale with any upscale model of the zoo, resize by
/// upscale_by to (int(w * upscale_by) // 8 * 8, int(h * upscale_by) // 8 * 8)
/// (w x h the generated image), then tiled refinement with the base or the
/// refiner. It returns the refined image and the plain upscaled one. It can
/// also start from an opened image (the first two stages skipped). Every
/// default of the seed is a default here and every one is an option.
///
/// The jobs it chains share one CheckpointCache, so the base checkpoint is
/// read once for the generation and the refinement.

#include "common/cancel.h"
#include "common/progress.h"
#include "image/image.h"
#include "pipeline/refine_job.h"
#include "pipeline/sampling_job.h"
#include "pipeline/upscale_job.h"
#include "pipeline/workflow_settings.h"

#include <memory>
#include <string>
#include <vector>

namespace tessera {

class CheckpointCache;

struct WorkflowPlan {
    bool generates = true;              ///< false: starts from an opened image
    SamplingPlan generation;            ///< when generates
    int sourceWidth = 0, sourceHeight = 0;     ///< the generated (or opened) image
    int upscaledWidth = 0, upscaledHeight = 0; ///< after the model and the resize: multiples of 8
    RefinePlan refine;                  ///< over the upscaled image
    std::vector<std::string> notes;
};

struct WorkflowResult {
    Image refined;  ///< the seed's tiled_image
    Image upscaled; ///< the seed's upscaled_image: model upscaled and resized, not refined
};

class WorkflowJob {
public:
    explicit WorkflowJob(std::shared_ptr<CheckpointCache> cache = nullptr);
    ~WorkflowJob();
    WorkflowJob(const WorkflowJob&) = delete;
    WorkflowJob& operator=(const WorkflowJob&) = delete;

    /// From the headers alone (the upscale model is not read). Throws
    /// Error(InvalidArgument) for impossible settings (a refiner tiler without
    /// a refiner, upscale_by out of range, ...) and the stages' errors.
    WorkflowPlan plan(const WorkflowSettings& settings, const Image* start = nullptr);

    /// Runs every stage; progress names the stage ("generate: base", "upscale",
    /// "refine: tile 2/6, step 3/8") with each stage's ETA; cancel stops within
    /// a step or a tile (Error(Cancelled)).
    WorkflowResult run(const WorkflowSettings& settings, const Image* start = nullptr, const CancelToken& cancel = {},
                       const ProgressSink& progress = {}, const RefineHooks& hooks = {});

private:
    std::shared_ptr<CheckpointCache> m_cache;
    SamplingJob m_sampling;
    UpscaleJob m_upscale;
    RefineJob m_refine;
};

} // namespace tessera

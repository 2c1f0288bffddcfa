#include "pipeline/workflow_job.h"

#include "pipeline/checkpoint_cache.h"

#include "common/error.h"
#include "image/resize.h"

#include <algorithm>
#include <cmath>

namespace tessera {
namespace {

/// `progress` with `prefix` before every stage name.
ProgressSink stageProgress(const ProgressSink& progress, const std::string& prefix)
{
    if (!progress)
        return {};
    return [progress, prefix](const Progress& p) {
        Progress named = p;
        named.stage = prefix + ": " + p.stage;
        progress(named);
    };
}

/// The seed's size after upscale_by: floor(side * by / 8) * 8, at least 8.
int upscaledSide(int side, double by)
{
    return std::max(8, int(std::floor(side * by / 8.0)) * 8);
}

} // namespace

const char* tilerModelName(TilerModel model)
{
    return model == TilerModel::Refiner ? "refiner" : "base";
}

TilerModel parseTilerModel(const std::string& text)
{
    if (text == "base")
        return TilerModel::Base;
    if (text == "refiner")
        return TilerModel::Refiner;
    throw Error(ErrorCode::InvalidArgument, "unknown tiler model '" + text + "' (expected base or refiner)");
}

GenerationSettings workflowGeneration()
{
    GenerationSettings generation;
    generation.base = seedBasePass();
    generation.refiner = seedRefinerPass();
    return generation;
}

RefineSettings tilerSettings(const WorkflowSettings& settings)
{
    const GenerationSettings& g = settings.generation;
    RefineSettings r = settings.refine;
    r.checkpoint = settings.tilerModel == TilerModel::Refiner ? g.refinerCheckpoint : g.checkpoint;
    r.vaePath = g.vaePath;
    r.vocabularyPath = g.vocabularyPath;
    r.prompt = g.prompt;
    r.negativePrompt = g.negativePrompt;
    r.clipSkip = g.clipSkip;
    r.aestheticScore = g.aestheticScore;
    r.negativeAestheticScore = g.negativeAestheticScore;
    r.seed = g.seed;
    r.device = g.device;
    r.precision = g.precision;
    return r;
}

UpscaleSettings upscaleSettings(const WorkflowSettings& settings)
{
    UpscaleSettings u = settings.upscale;
    u.modelPath = settings.upscaleModel;
    u.device = settings.generation.device;
    u.precision = settings.generation.precision;
    return u;
}

WorkflowJob::WorkflowJob(std::shared_ptr<CheckpointCache> cache)
    : m_cache(cache ? std::move(cache) : std::make_shared<CheckpointCache>()),
      m_sampling(m_cache),
      m_refine(m_cache)
{
}

WorkflowJob::~WorkflowJob() = default;

WorkflowPlan WorkflowJob::plan(const WorkflowSettings& settings, const Image* start)
{
    if (!(settings.upscaleBy >= 0.1 && settings.upscaleBy <= 10.0))
        throw Error(ErrorCode::InvalidArgument, "workflow: upscale by must be 0.1..10, not " +
                                                    std::to_string(settings.upscaleBy));
    if (settings.tilerModel == TilerModel::Refiner && settings.generation.refinerCheckpoint.empty())
        throw Error(ErrorCode::InvalidArgument, "workflow: the refiner refines the tiles, but no refiner checkpoint is given");
    WorkflowPlan plan;
    plan.generates = start == nullptr;
    if (plan.generates) {
        plan.generation = m_sampling.plan(settings.generation);
        plan.sourceWidth = plan.generation.width;
        plan.sourceHeight = plan.generation.height;
        plan.notes = plan.generation.notes;
    } else {
        plan.sourceWidth = start->width();
        plan.sourceHeight = start->height();
    }
    plan.upscaledWidth = upscaledSide(plan.sourceWidth, settings.upscaleBy);
    plan.upscaledHeight = upscaledSide(plan.sourceHeight, settings.upscaleBy);
    plan.refine = m_refine.plan(tilerSettings(settings), plan.upscaledWidth, plan.upscaledHeight);
    for (const std::string& note : plan.refine.notes)
        if (std::find(plan.notes.begin(), plan.notes.end(), note) == plan.notes.end())
            plan.notes.push_back(note);
    return plan;
}

WorkflowResult WorkflowJob::run(const WorkflowSettings& settings, const Image* start, const CancelToken& cancel,
                                const ProgressSink& progress, const RefineHooks& hooks)
{
    const WorkflowPlan plan = this->plan(settings, start);
    Image source = plan.generates ? m_sampling.run(settings.generation, nullptr, cancel, stageProgress(progress, "generate"))
                                  : *start;
    cancel.throwIfCancelled();

    WorkflowResult result;
    if (!settings.upscaleModel.empty()) {
        Image upscaled = m_upscale.run(upscaleSettings(settings), source, cancel, stageProgress(progress, "upscale"));
        result.upscaled = resizeImage(upscaled, plan.upscaledWidth, plan.upscaledHeight);
    } else {
        result.upscaled = resizeImage(source, plan.upscaledWidth, plan.upscaledHeight);
    }
    cancel.throwIfCancelled();
    result.refined = m_refine.run(tilerSettings(settings), result.upscaled, cancel, stageProgress(progress, "refine"), hooks);
    return result;
}

} // namespace tessera

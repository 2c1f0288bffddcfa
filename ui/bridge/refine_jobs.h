#pragma once
/// The diffusion jobs as the GUI submits them: the refine plan the overlay
/// draws, the refinement of the whole image, the preview of one tile, and
/// the workflow (generate base -> refiner, upscale, refine). All go through
/// core's RefineJob and WorkflowJob (core/pipeline) on the engine thread's
/// shared checkpoint cache, the same sequences the CLI runs.

#include "bridge/engine_job.h"
#include "image/image.h"
#include "pipeline/refine_settings.h"
#include "pipeline/workflow_settings.h"
#include "tiling/tile_plan.h"

#include <QStringList>

#include <memory>

namespace tessera {

/// The sampler names the engine runs (ComfyUI's names and order).
QStringList diffusionSamplerNames();
/// The scheduler names the engine knows.
QStringList diffusionSchedulerNames();

/// The refine plan of an image size: the tiles in image pixels (what the
/// overlay draws) and the notes. Reads only the checkpoint's header; channel
/// "refine-plan" (latest wins).
class RefinePlanJob : public EngineJob {
public:
    RefinePlanJob(RefineSettings settings, int width, int height)
        : m_settings(std::move(settings)), m_width(width), m_height(height)
    {
    }

    QString channel() const override { return QStringLiteral("refine-plan"); }
    void run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter) override;

    const TilePlan& tiles() const { return m_tiles; }
    /// Progress units of a run (sampler steps x tiles plus the VAE passes).
    qint64 units() const { return m_units; }
    const QStringList& notes() const { return m_notes; }

private:
    RefineSettings m_settings;
    int m_width, m_height;
    TilePlan m_tiles;
    qint64 m_units = 0;
    QStringList m_notes;
};

/// Refines the whole image. Reports progress with the stage text ("tile 2/6,
/// step 3/8") and a TileStarted partial for each tile it starts (tiles and
/// pixel modes; blend mode works on every tile at every step).
class RefineRunJob : public EngineJob {
public:
    RefineRunJob(RefineSettings settings, std::shared_ptr<const Image> image)
        : m_settings(std::move(settings)), m_image(std::move(image))
    {
    }

    void run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter) override;

    std::shared_ptr<Image> result() const { return m_result; }

private:
    RefineSettings m_settings;
    std::shared_ptr<const Image> m_image;
    std::shared_ptr<Image> m_result;
};

/// Refines the tile under the cursor alone (RefineJob::previewTile) and
/// hands it back as one Preview partial (last) over the tile's area in image
/// pixels; channel "refine-preview" (latest wins).
class RefinePreviewJob : public EngineJob {
public:
    RefinePreviewJob(RefineSettings settings, std::shared_ptr<const Image> image, int tileIndex)
        : m_settings(std::move(settings)), m_image(std::move(image)), m_tileIndex(tileIndex)
    {
    }

    QString channel() const override { return QStringLiteral("refine-preview"); }
    void run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter) override;

    int tileIndex() const { return m_tileIndex; }
    /// The refined tile (image pixels of the tile's area, clipped to the image).
    const QImage& pixels() const { return m_pixels; }
    const QRect& area() const { return m_area; }

private:
    RefineSettings m_settings;
    std::shared_ptr<const Image> m_image;
    int m_tileIndex;
    QImage m_pixels;
    QRect m_area;
};

/// The workflow: from the prompt (start == nullptr) or from `start`, through
/// the upscale to the tiled refinement. Progress names the stage.
class WorkflowRunJob : public EngineJob {
public:
    WorkflowRunJob(WorkflowSettings settings, std::shared_ptr<const Image> start)
        : m_settings(std::move(settings)), m_start(std::move(start))
    {
    }

    void run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter) override;

    /// The refined image (the workflow's result).
    std::shared_ptr<Image> refined() const { return m_refined; }
    /// The upscaled image before the refinement (what the result is compared with).
    std::shared_ptr<Image> upscaled() const { return m_upscaled; }

private:
    WorkflowSettings m_settings;
    std::shared_ptr<const Image> m_start;
    std::shared_ptr<Image> m_refined;
    std::shared_ptr<Image> m_upscaled;
};

} // namespace tessera

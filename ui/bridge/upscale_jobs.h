#pragma once
/// The upscale's jobs as the GUI submits them: the full run and the
/// progressive live preview of one tile. Both go through core's UpscaleJob
/// (core/pipeline), the same sequence the CLI and the bench run.

#include "bridge/engine_job.h"
#include "image/image.h"
#include "pipeline/upscale_plan.h"

#include <QPoint>
#include <QStringList>

#include <memory>

namespace tessera {

/// Upscales the whole image. Reports TileStarted / TileFinished partials
/// (the tile's own output, before blending) and tile progress.
class UpscaleRunJob : public EngineJob {
public:
    /// `settings` should be resolvedSettings() of the plan the overlay shows,
    /// so the run works through exactly that plan.
    UpscaleRunJob(UpscaleSettings settings, std::shared_ptr<const Image> image);

    void run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter) override;

    std::shared_ptr<Image> result() const { return m_result; }
    /// Notes of the run ("out of memory ... continuing in parts").
    const QStringList& notes() const { return m_notes; }

private:
    UpscaleSettings m_settings;
    std::shared_ptr<const Image> m_image;
    std::shared_ptr<Image> m_result;
    QStringList m_notes;
};

/// The live preview of the tile under the cursor, painted progressively: a
/// window of about 192 x 192 pixels around the cursor first, then the whole
/// tile, then the tile blended with its neighbours exactly as the run will.
/// Each stage is a Preview partial; channel "preview" (latest wins).
class UpscalePreviewJob : public EngineJob {
public:
    UpscalePreviewJob(UpscaleSettings settings, std::shared_ptr<const Image> image, int tileIndex, QPoint cursor);

    QString channel() const override { return QStringLiteral("preview"); }
    void run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter) override;

    /// Seconds per padded input pixel measured on the tile stage (negative
    /// when it did not run); the time estimate scales it to the whole plan.
    double secondsPerPixel() const { return m_secondsPerPixel; }

private:
    UpscaleSettings m_settings;
    std::shared_ptr<const Image> m_image;
    int m_tileIndex;
    QPoint m_cursor;
    double m_secondsPerPixel = -1.0;
};

/// Loads the chosen model on the engine thread (where runs will find it
/// loaded) and reports what it is: for ncnn graphs the scale and input
/// multiple are known only after loading. Channel "model".
class LoadModelJob : public EngineJob {
public:
    explicit LoadModelJob(UpscaleSettings settings) : m_settings(std::move(settings)) {}

    QString channel() const override { return QStringLiteral("model"); }
    void run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter) override;

    const UpscaleSettings& settings() const { return m_settings; }
    const ModelInfo& info() const { return m_info; }

private:
    UpscaleSettings m_settings;
    ModelInfo m_info;
};

} // namespace tessera

// LibTorch headers first: Qt's `slots` / `signals` macros break them when
// they come after a Qt header.
#include "bridge/engine_context.h"
#include "common/error.h"
#include "io/batch_upscale.h"
#include "io/output_formats.h"
#include "pipeline/finite_pixels.h"
#include "pipeline/plan_limits.h"

#include "bridge/batch_jobs.h"

#include <filesystem>
#include <vector>

namespace tessera {

namespace {

/// A batch has no one to ask "run it anyway?" for each file, so a plan of
/// over 10000 tiles fails that file with the reason.
void refuseTooManyTiles(const UpscalePlan& plan)
{
    const std::string why = tooManyTiles(plan.tiles);
    if (!why.empty())
        throw Error(ErrorCode::InvalidArgument, why + ": choose a larger tile size in the Upscale panel");
}

} // namespace

BatchUpscaleJob::BatchUpscaleJob(UpscaleSettings settings, BatchRequest request)
    : m_settings(std::move(settings)), m_request(std::move(request))
{
}

void BatchUpscaleJob::run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter)
{
    if (m_request.outputFolder.isEmpty())
        throw Error(ErrorCode::InvalidArgument, "no output folder was chosen");
    const std::filesystem::path folder = m_request.outputFolder.toStdString();
    std::vector<BatchSource> sources;
    for (const BatchEntry& entry : m_request.entries)
        sources.push_back({entry.path.toStdString(), entry.recursive});
    const std::vector<BatchInput> inputs = listBatchInputs(sources, folder);
    if (inputs.empty())
        throw Error(ErrorCode::InvalidArgument, "the list holds no image files");

    UpscaleJob& job = context.upscale; // loads the model once, or finds it loaded
    const int scale = m_settings.outputScale > 0 ? m_settings.outputScale : job.prepare(m_settings).scale;
    BatchNaming naming;
    naming.suffix = m_request.suffix.toStdString();
    naming.format = m_request.format.toStdString();
    const std::vector<BatchFile> files = planBatchOutputs(inputs, folder, naming, scale);
    createOutputFolder(folder);
    m_outcome.files = int(files.size());

    FileUpscaleOptions options;
    options.write.bits = m_request.bits;
    options.checkPlan = refuseTooManyTiles;
    const auto report = [&](size_t index, const BatchFile& file, const Progress& tiles) {
        reporter.progress(JobProgress{int(tiles.done), int(tiles.total), tiles.etaSeconds,
                                      QString::fromStdString(file.shown), int(index) + 1, int(files.size())});
    };
    BatchEvents events;
    events.started = [&](size_t index, const BatchFile& file) { report(index, file, Progress{}); };
    events.progress = report;
    events.skipped = [&](size_t index, const BatchFile& file) { report(index, file, Progress{}); };
    events.upscaled = [&](size_t, const BatchFile& file, const FileUpscaleResult& result) {
        const QString output = QString::fromStdString(file.output.string());
        if (result.alphaDropped)
            m_outcome.warnings << output + QStringLiteral(": ") + QString::fromUtf8(kAlphaDroppedSentence);
        if (result.nonFinitePixels > 0)
            m_outcome.warnings << QString::fromStdString(file.input.string() + ": " +
                                                         nonFinitePixelsSentence(result.nonFinitePixels));
    };
    const BatchSummary summary = upscaleBatch(job, m_settings, files, m_request.skipExisting, options, cancel, events);
    m_outcome.upscaled = summary.upscaled;
    m_outcome.skipped = summary.skipped;
    for (const std::string& failure : summary.failures)
        m_outcome.failures << QString::fromStdString(failure);
}

} // namespace tessera

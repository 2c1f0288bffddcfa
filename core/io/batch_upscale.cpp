#include "io/batch_upscale.h"

#include "common/error.h"
#include "io/file_rows.h"
#include "io/image_reader.h"
#include "io/output_formats.h"
#include "pipeline/upscale_job.h"

#include <memory>
#include <optional>

namespace tessera {

namespace {

namespace fs = std::filesystem;

/// Inputs up to this many pixels are read whole; larger ones stream.
constexpr int64_t kStreamAbovePixels = int64_t(64) << 20;

std::string firstLine(const std::string& text)
{
    return text.substr(0, text.find('\n'));
}

/// "FILE: cause": our errors name the file already; others (LibTorch's) get its name.
std::string failureLine(const fs::path& input, const std::string& reason)
{
    const std::string name = input.string();
    return reason.rfind(name + ":", 0) == 0 ? reason : name + ": " + reason;
}

} // namespace

FileUpscaleResult upscaleImageFile(UpscaleJob& job, const UpscaleSettings& settings, const fs::path& input,
                                   const fs::path& output, const FileUpscaleOptions& options,
                                   const CancelToken& cancel, const ProgressSink& progress)
{
    ImageFileReader reader(input.string());
    const ImageFileInfo& info = reader.info();
    UpscalePlan plan;
    try {
        plan = job.plan(settings, info.width, info.height);
        if (options.checkPlan)
            options.checkPlan(plan);
    } catch (const Error& error) {
        throw Error(error.code(), input.string() + ": " + error.what()); // impossible settings for this image
    }
    std::optional<Image> whole;
    std::unique_ptr<RowSource> source;
    if (int64_t(info.width) * info.height <= kStreamAbovePixels) {
        whole = readImage(input.string());
        source = std::make_unique<ImageRowSource>(*whole);
    } else {
        source = std::make_unique<FileRowSource>(reader);
    }
    FileUpscaleResult result;
    result.alphaDropped = (info.channels == 2 || info.channels == 4) && !formatStoresAlpha(output.string());
    UpscaleHooks hooks;
    hooks.nonFinitePixels = [&](int64_t pixels) { result.nonFinitePixels = pixels; };
    FileRowSink sink(output.string(), info.metadata, options.write);
    result.report = job.run(settings, *source, sink, cancel, progress, hooks);
    cancel.throwIfCancelled(); // the sink's destructor removes the temporary file
    sink.finish();
    result.width = plan.tiles.outputWidth();
    result.height = plan.tiles.outputHeight();
    return result;
}

BatchSummary upscaleBatch(UpscaleJob& job, const UpscaleSettings& settings, const std::vector<BatchFile>& files,
                          bool skipExisting, const FileUpscaleOptions& options, const CancelToken& cancel,
                          const BatchEvents& events)
{
    BatchSummary summary;
    for (size_t i = 0; i < files.size() && !cancel.isCancelled(); ++i) {
        const BatchFile& file = files[i];
        if (skipExisting && fs::exists(file.output)) {
            ++summary.skipped;
            if (events.skipped)
                events.skipped(i, file);
            continue;
        }
        if (events.started)
            events.started(i, file);
        try {
            createOutputFolder(file.output.parent_path());
            const FileUpscaleResult result =
                upscaleImageFile(job, settings, file.input, file.output, options, cancel, [&](const Progress& tiles) {
                    if (events.progress)
                        events.progress(i, file, tiles);
                });
            ++summary.upscaled;
            if (events.upscaled)
                events.upscaled(i, file, result);
        } catch (const std::exception& error) {
            if (cancel.isCancelled()) // Error(Cancelled), or whatever a cancel interrupted, ends the batch
                break;
            const std::string reason = firstLine(error.what());
            summary.failures.push_back(failureLine(file.input, reason));
            if (events.failed)
                events.failed(i, file, reason);
        }
    }
    summary.cancelled = cancel.isCancelled();
    return summary;
}

} // namespace tessera

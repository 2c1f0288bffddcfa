#pragma once
/// Upscaling image files into image files with one loaded model: one file
/// (upscaleImageFile) and a batch (upscaleBatch), where one bad file never
/// stops the rest. tessera-cli and the app's batch job both run these; how
/// each tells a person what happened goes through BatchEvents.

#include "common/cancel.h"
#include "common/progress.h"
#include "io/batch_files.h"
#include "io/image_writer.h"
#include "pipeline/upscale_plan.h"
#include "tiling/tiled_runner.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace tessera {

class UpscaleJob;

struct FileUpscaleOptions {
    WriteOptions write;
    /// Called with each file's plan before any pixel is read; throws to refuse
    /// the file (the CLI refuses plans over 10000 tiles without --force).
    std::function<void(const UpscalePlan&)> checkPlan;
};

/// What one file's upscale made.
struct FileUpscaleResult {
    TiledReport report;
    int width = 0;  ///< of the output
    int height = 0;
    int64_t nonFinitePixels = 0; ///< input pixels replaced by the NaN/Inf rule (tiling/finite_rows.h)
    bool alphaDropped = false;   ///< the input has alpha, the output's format none (JPEG)
};

/// Upscales the image file `input` into `output` with `job`'s model. Inputs
/// up to 64 megapixels are read whole, larger ones band by band, and the
/// output is written as rows finish. The file appears only for a run that
/// was not interrupted (Error(Cancelled) otherwise, and no temporary file is
/// left). Errors of the plan are prefixed with the input's name.
FileUpscaleResult upscaleImageFile(UpscaleJob& job, const UpscaleSettings& settings,
                                   const std::filesystem::path& input, const std::filesystem::path& output,
                                   const FileUpscaleOptions& options, const CancelToken& cancel,
                                   const ProgressSink& progress);

/// What happens to the files of a batch, told on the thread that runs it.
/// `index` counts the files from 0. Each callback may be left empty.
struct BatchEvents {
    std::function<void(size_t index, const BatchFile& file)> started;
    std::function<void(size_t index, const BatchFile& file, const Progress& tiles)> progress;
    std::function<void(size_t index, const BatchFile& file, const FileUpscaleResult& result)> upscaled;
    /// Its output existed and skipExisting was asked for.
    std::function<void(size_t index, const BatchFile& file)> skipped;
    /// `reason` is the error's first line, as it came.
    std::function<void(size_t index, const BatchFile& file, const std::string& reason)> failed;
};

/// Counts of a batch and its failures.
struct BatchSummary {
    int upscaled = 0;
    int skipped = 0;
    /// "FILE: cause", one line each (the input's path leads unless the error named it already).
    std::vector<std::string> failures;
    bool cancelled = false; ///< the files after the one that was running were not started
};

/// Upscales `files` in order with `job`'s model (loaded once), each into its
/// output (its folder created when missing). With `skipExisting`, a file
/// whose output exists is skipped. A failing file is recorded and the next
/// one goes on; a cancel ends the batch within the running tile (the file
/// that was running is then neither done nor failed).
BatchSummary upscaleBatch(UpscaleJob& job, const UpscaleSettings& settings, const std::vector<BatchFile>& files,
                          bool skipExisting, const FileUpscaleOptions& options, const CancelToken& cancel,
                          const BatchEvents& events);

} // namespace tessera

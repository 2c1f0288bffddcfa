#pragma once
/// The app's batch upscale as a job: every file of a list of files and
/// folders upscaled into an output folder on the engine thread, with the
/// model loaded once (the engine's UpscaleJob keeps it), one bad file never
/// stopping the rest. It runs core's upscaleBatch (io/batch_upscale.h), the
/// very loop tessera-cli runs.

#include "bridge/engine_job.h"
#include "pipeline/upscale_plan.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace tessera {

/// A file or a folder the batch dialog lists.
struct BatchEntry {
    QString path;
    bool recursive = false; ///< a folder: its subfolders too
};

/// What a batch works on and how it writes.
struct BatchRequest {
    QList<BatchEntry> entries;
    QString outputFolder;
    QString suffix;       ///< appended to each name ("-x4")
    QString format;       ///< png, tif, exr, jpg or webp; empty: each input's own (png when we cannot write it)
    int bits = 0;         ///< 0: the source's (image_writer.h)
    bool skipExisting = false;
};

/// How a batch went; filled as it runs.
struct BatchOutcome {
    int files = 0;    ///< in the batch (0 until listed)
    int upscaled = 0;
    int skipped = 0;
    QStringList failures; ///< "FILE: cause", one line each
    QStringList warnings; ///< "FILE: what was done to it" (alpha dropped, NaN pixels replaced)
};

/// Progress is reported per file: `file` / `files` say which file, `stage`
/// its name, done / total / etaSeconds its tiles. A skipped or failed file
/// reports no tiles (total 0).
class BatchUpscaleJob : public EngineJob {
public:
    /// `settings`: the model and tile settings (the Upscale panel's), planned
    /// for each file anew.
    BatchUpscaleJob(UpscaleSettings settings, BatchRequest request);

    /// One batch at a time; the window leaves its failures to the dialog.
    QString channel() const override { return QStringLiteral("batch"); }
    void run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter) override;

    /// How the batch went; read it once the job ended (finished, failed or
    /// cancelled: the files before a cancel are counted).
    const BatchOutcome& outcome() const { return m_outcome; }

private:
    UpscaleSettings m_settings;
    BatchRequest m_request;
    BatchOutcome m_outcome;
};

} // namespace tessera

#pragma once
/// A unit of work for the EngineController: an upscale run, a preview, an
/// image to open, a file to export, a folder of models to scan. Each job
/// class holds its own typed inputs and results; the controller runs it on a
/// worker thread and hands the same object back to the GUI thread when it
/// finishes, so adding a kind of job (refine, workflow) adds a class and no
/// new relays.
///
/// Qt-only header (no LibTorch): the GUI creates jobs and reads their results.

#include "common/cancel.h"

#include <QImage>
#include <QMetaType>
#include <QRect>
#include <QString>

#include <memory>

namespace tessera {

class EngineContext;

/// Progress of a running job, throttled to about 30 reports a second.
struct JobProgress {
    int done = 0;
    int total = 0;
    double etaSeconds = -1.0; ///< negative while unknown
    QString stage;            ///< "upscale", "export", ...; a batch: the file's name
    int file = 0;             ///< a batch: the file being worked on, from 1 (0 outside batches)
    int files = 0;            ///< a batch: how many files it has
};

/// A piece of a result shown before the job ends: a tile that started or
/// finished, a stage of a preview.
struct JobPartial {
    enum class Kind { TileStarted, TileFinished, Preview };
    Kind kind = Kind::TileFinished;
    int tileIndex = -1;
    int stage = 0;      ///< preview stage (0: window, 1: tile, 2: blended)
    bool last = false;  ///< the job's final partial (a preview's exact result)
    QRect outputRect;   ///< where `pixels` lie in the output (output pixels)
    QImage pixels;      ///< empty for TileStarted
};

/// How a job tells the GUI what it is doing. Called on the worker thread.
class JobReporter {
public:
    virtual ~JobReporter() = default;
    virtual void progress(const JobProgress& progress) = 0;
    virtual void partial(const JobPartial& partial) = 0;
};

/// Which worker thread runs a job: torch work on the engine thread (it holds
/// the loaded models); opening and exporting images on the file thread, so an
/// export never waits behind an upscale and never blocks the window; model
/// scans on their own thread, so opening an image never waits for a scan.
enum class JobLane { Engine, Files, Scan };
constexpr int kJobLanes = 3;

class EngineJob {
public:
    virtual ~EngineJob() = default;

    virtual JobLane lane() const { return JobLane::Engine; }
    /// Jobs of one non-empty channel are "latest wins": submitting one
    /// cancels the older one, and results of older ones are never delivered.
    virtual QString channel() const { return {}; }
    /// Does the work; throws tessera::Error (Cancelled when `cancel` fired).
    virtual void run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter) = 0;
};

using EngineJobPtr = std::shared_ptr<EngineJob>;

} // namespace tessera

Q_DECLARE_METATYPE(tessera::JobProgress)
Q_DECLARE_METATYPE(tessera::JobPartial)
Q_DECLARE_METATYPE(tessera::EngineJobPtr)

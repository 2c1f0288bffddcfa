#pragma once
/// What several tessera-cli commands share: number parsing for options,
/// model lookup in the models folder, the progress line on stderr and Ctrl+C
/// as cancellation.

#include "cli/commands.h"

#include "common/cancel.h"
#include "common/progress.h"
#include "tiling/tile_plan.h"

#include <chrono>
#include <functional>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::cli {

/// Gives the value of the option being parsed (the next argument); throws
/// UsageError "OPTION needs a value" when there is none.
using ArgumentValue = std::function<std::string()>;

/// Walks a command's arguments in order, handing each to `take` with its
/// ArgumentValue; tessera::Error thrown by `take` (a bad device name, ...)
/// becomes UsageError. Returns false when --help or -h came (the walk stops there).
bool walkArguments(const Args& args, const std::function<void(const std::string& arg, const ArgumentValue& value)>& take);

/// `value` as a whole number >= lowest, else UsageError naming `option`.
int parseInt(const std::string& option, const std::string& value, int lowest);
/// `value` as an unsigned 64-bit number (seeds), else UsageError naming `option`.
uint64_t parseUnsigned(const std::string& option, const std::string& value);
/// `value` as a number in [lowest, highest], else UsageError naming `option`.
double parseDouble(const std::string& option, const std::string& value, double lowest, double highest);

/// Throws UsageError unless `path` has an extension an image can be written as.
void checkOutputPath(const std::string& path);

/// A model given by name is looked up in the models folder; a path is kept
/// (the loader names a missing file). A name found nowhere while the models
/// folder holds no model throws Error(Io) saying how to get the models.
std::string resolveModelPath(const std::string& model);

/// "the models folder FOLDER has no models; ..." and how to get them (the
/// setup script, the app's download); one line, for `models` and `upscale`.
std::string noModelsMessage(const std::string& folder);

/// True when `folder` holds at least one file that is not hidden (the
/// download's stamp is hidden), at any depth.
bool hasModelFiles(const std::string& folder);

/// Progress on stderr: a bar when it is a terminal, plain lines (about one
/// every two seconds) otherwise. `unit` names what is counted ("tiles", "steps").
class ProgressPrinter {
public:
    explicit ProgressPrinter(std::string unit);
    ~ProgressPrinter();
    ProgressPrinter(const ProgressPrinter&) = delete;
    ProgressPrinter& operator=(const ProgressPrinter&) = delete;

    void operator()(const Progress& progress);

private:
    std::string m_unit;
    bool m_terminal;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_lastPrint{};
};

/// Runs `work` with Ctrl+C cancelling the token it gets and progress printed
/// on stderr counting `unit`; throws Error(Cancelled) when it was cancelled,
/// so nothing is written after an interrupted run.
void runCancellable(const std::string& unit, const std::function<void(const CancelToken&, const ProgressSink&)>& work);

/// A plan's notes on stderr, one "note: ..." line each.
void printNotes(const std::vector<std::string>& notes);

/// `text` up to its first line break: an error's message without the stack
/// trace a library (LibTorch's c10::Error) appends.
std::string firstLine(const std::string& text);

/// "warning: FILE: sentence" on stderr: something done to a file that the
/// person should know of (alpha dropped, NaN pixels replaced).
void printWarning(const std::string& file, const std::string& sentence);

/// Throws Error(InvalidArgument) "W x H in tiles of S px makes N tiles (over
/// 10000): use a larger --tile, or --force to run it anyway" for such a plan
/// unless `force` (pipeline/plan_limits.h).
void checkTileCount(const TilePlan& plan, bool force);

/// Makes SIGTERM, SIGHUP, SIGQUIT, and Ctrl+C outside an InterruptScope,
/// remove the temporary files being written (io/temporary_files.h) and exit
/// at once with 128 + the signal's number, so an ended run leaves no
/// `.name.tmp-XXXX` file. Called once, at the start of main.
void installSignalCleanup();

/// While alive, Ctrl+C (SIGINT) cancels `cancel`, and a second Ctrl+C while
/// that cancel is pending exits at once (130) like installSignalCleanup's
/// handlers; the previous handler comes back when it ends, however it ends.
class InterruptScope {
public:
    explicit InterruptScope(CancelToken& cancel);
    ~InterruptScope();
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;

private:
    void (*m_previous)(int);
};

} // namespace tessera::cli

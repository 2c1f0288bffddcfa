#include "cli/cli_support.h"

#include "common/error.h"
#include "common/text.h"
#include "io/image_writer.h"
#include "io/temporary_files.h"
#include "pipeline/model_registry.h"
#include "pipeline/plan_limits.h"

#include <unistd.h>

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace tessera::cli {
namespace {

namespace fs = std::filesystem;

std::atomic<CancelToken*> g_cancel{nullptr};

// Signal handlers below use only async-signal-safe calls: write, unlink
// (inside removeTemporaryFilesNow), _exit, and lock-free atomics.
template <size_t N>
void writeToStderr(const char (&text)[N])
{
    // Nothing to do when stderr is gone; the write is best effort.
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, text, N - 1);
}

[[noreturn]] void exitRemovingTemporaryFiles(int number)
{
    removeTemporaryFilesNow();
    ::_exit(128 + number);
}

// The first Ctrl+C cancels (the run stops at its next check); a second one,
// while that cancel is pending, stops at once.
void onInterrupt(int number)
{
    CancelToken* cancel = g_cancel.load();
    if (cancel && !cancel->isCancelled()) {
        cancel->cancel();
        writeToStderr("\ntessera-cli: cancelling (Ctrl+C again stops at once)\n");
        return;
    }
    if (cancel)
        writeToStderr("\ntessera-cli: interrupted again, stopping now\n");
    exitRemovingTemporaryFiles(number);
}

std::string etaText(const Progress& p)
{
    if (p.etaSeconds < 0)
        return "--:--";
    const long long s = static_cast<long long>(p.etaSeconds + 0.5);
    char text[32];
    std::snprintf(text, sizeof text, "%lld:%02lld", s / 60, s % 60);
    return text;
}

} // namespace

int parseInt(const std::string& option, const std::string& value, int lowest)
{
    int number = 0;
    const char* end = value.data() + value.size();
    const auto [stop, ec] = std::from_chars(value.data(), end, number);
    if (ec != std::errc() || stop != end || number < lowest)
        throw UsageError{option + " expects a whole number of at least " + std::to_string(lowest) + ", not '" +
                         value + "'"};
    return number;
}

uint64_t parseUnsigned(const std::string& option, const std::string& value)
{
    uint64_t number = 0;
    const char* end = value.data() + value.size();
    const auto [stop, ec] = std::from_chars(value.data(), end, number);
    if (ec != std::errc() || stop != end)
        throw UsageError{option + " expects a whole number from 0 to 18446744073709551615, not '" + value + "'"};
    return number;
}

double parseDouble(const std::string& option, const std::string& value, double lowest, double highest)
{
    try {
        size_t used = 0;
        const double number = std::stod(value, &used);
        if (used == value.size() && number >= lowest && number <= highest)
            return number;
    } catch (const std::exception&) {
    }
    throw UsageError{option + " expects a number from " + std::to_string(lowest) + " to " + std::to_string(highest) +
                     ", not '" + value + "'"};
}

std::string resolveModelPath(const std::string& model)
{
    if (model.empty() || fs::exists(model))
        return model;
    const std::string folder = defaultModelsFolder();
    const fs::path inFolder = fs::path(folder) / model;
    if (fs::exists(inFolder))
        return inFolder.string();
    if (!hasModelFiles(folder))
        throw Error(ErrorCode::Io, model + ": no such file, and " + noModelsMessage(folder));
    return model;
}

std::string noModelsMessage(const std::string& folder)
{
    return "the models folder " + folder +
           " has no models; open the Tessera app, which offers to download them, or run "
           "scripts/fetch_models.sh from a Tessera checkout (TESSERA_MODELS names another folder)";
}

bool hasModelFiles(const std::string& folder)
{
    std::error_code error;
    for (fs::recursive_directory_iterator it(folder, error), end; !error && it != end; it.increment(error))
        if (it->is_regular_file(error) && it->path().filename().string().front() != '.')
            return true;
    return false;
}

ProgressPrinter::ProgressPrinter(std::string unit) : m_unit(std::move(unit)), m_terminal(isatty(STDERR_FILENO) == 1) {}

ProgressPrinter::~ProgressPrinter()
{
    if (m_terminal && m_drawn)
        std::fputc('\n', stderr);
}

void ProgressPrinter::operator()(const Progress& p)
{
    const auto now = std::chrono::steady_clock::now();
    const bool last = p.done >= p.total;
    const int percent = p.total > 0 ? int(100 * p.done / p.total) : 0;
    const std::string stage = p.stage.empty() ? "" : p.stage + ": ";
    if (m_terminal) {
        if (!last && now - m_lastPrint < std::chrono::milliseconds(100))
            return;
        constexpr int kWidth = 30;
        const int filled = kWidth * percent / 100;
        std::fprintf(stderr, "\r[%s%s] %3d%% %lld/%lld %s  ETA %s  %s    ", std::string(size_t(filled), '#').c_str(),
                     std::string(size_t(kWidth - filled), '.').c_str(), percent, static_cast<long long>(p.done),
                     static_cast<long long>(p.total), m_unit.c_str(), etaText(p).c_str(), p.stage.c_str());
        m_drawn = true;
    } else {
        if (!last && p.done > 0 && now - m_lastPrint < std::chrono::seconds(2))
            return;
        std::fprintf(stderr, "%s%lld/%lld %s (%d%%), ETA %s\n", stage.c_str(), static_cast<long long>(p.done),
                     static_cast<long long>(p.total), m_unit.c_str(), percent, etaText(p).c_str());
    }
    std::fflush(stderr);
    m_lastPrint = now;
}

void installSignalCleanup()
{
    for (const int number : {SIGTERM, SIGHUP, SIGQUIT, SIGINT})
        std::signal(number, exitRemovingTemporaryFiles);
}

InterruptScope::InterruptScope(CancelToken& cancel)
{
    g_cancel.store(&cancel);
    m_previous = std::signal(SIGINT, onInterrupt);
}

InterruptScope::~InterruptScope()
{
    std::signal(SIGINT, m_previous);
    g_cancel.store(nullptr);
}

bool walkArguments(const Args& args, const std::function<void(const std::string& arg, const ArgumentValue& value)>& take)
{
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h")
            return false;
        const ArgumentValue value = [&]() -> std::string {
            if (i + 1 >= args.size())
                throw UsageError{arg + " needs a value"};
            return args[++i];
        };
        try {
            take(arg, value);
        } catch (const Error& error) {
            throw UsageError{error.what()}; // parseDevice and friends name what they expected
        }
    }
    return true;
}

void checkOutputPath(const std::string& path)
{
    if (!isWritableExtension(lowerExtension(path)))
        throw UsageError{"cannot write '" + path + "': use .png, .tif, .exr, .jpg or .webp"};
}

void runCancellable(const std::string& unit, const std::function<void(const CancelToken&, const ProgressSink&)>& work)
{
    CancelToken cancel;
    InterruptScope interrupt(cancel);
    ProgressPrinter printer(unit);
    work(cancel, [&](const Progress& p) { printer(p); });
    cancel.throwIfCancelled();
}

void printNotes(const std::vector<std::string>& notes)
{
    for (const std::string& note : notes)
        std::cerr << "note: " << note << "\n";
}

std::string firstLine(const std::string& text)
{
    return text.substr(0, text.find('\n'));
}

void printWarning(const std::string& file, const std::string& sentence)
{
    std::cerr << "warning: " << file << ": " << sentence << "\n";
}

void checkTileCount(const TilePlan& plan, bool force)
{
    const std::string why = tooManyTiles(plan);
    if (!why.empty() && !force)
        throw Error(ErrorCode::InvalidArgument, why + ": use a larger --tile, or --force to run it anyway");
}

} // namespace tessera::cli

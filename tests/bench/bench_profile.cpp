#include "bench_profile.h"

#include <torch/version.h>

#include "common/torch_compat.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

#if TORCH_VERSION_MAJOR >= 2
#include <torch/csrc/autograd/profiler_kineto.h>
#endif

namespace tessera::bench {
#if TORCH_VERSION_MAJOR >= 2
namespace {

struct KernelTotal {
    double nanoseconds = 0.0;
    int64_t calls = 0;
};

bool isCopy(const std::string& name)
{
    return name.rfind("Memcpy", 0) == 0 || name.rfind("Memset", 0) == 0;
}

// A coarse family from a kernel's name, so that a table of hundreds of
// template instantiations still says what kind of work dominates.
std::string familyOf(const std::string& name)
{
    auto has = [&](const char* part) { return name.find(part) != std::string::npos; };
    if (isCopy(name))
        return "host-device copy";
    if (has("biasActivation"))
        return "convolution epilogue (ours)";
    if (has("accumulateTile") || has("finishRows"))
        return "tile blending and rows (ours)";
    if (has("flash") || has("fmha") || has("attention") || has("sdpa"))
        return "attention";
    if (has("conv") || has("implicit") || has("Conv") || has("dgrad") || has("xmma_fprop") || has("fprop"))
        return "convolution";
    if (has("gemm") || has("Gemm") || has("cutlass") || has("sm90_xmma") || has("nvjet") || has("cublas"))
        return "matrix product";
    if (has("group_norm") || has("GroupNorm") || has("layer_norm") || has("LayerNorm") || has("RowwiseMoments")
        || has("Welford") || has("ComputeFused") || has("norm"))
        return "normalisation";
    if (has("nchwToNhwc") || has("nhwcToNchw") || has("copy") || has("Copy") || has("transpose") || has("cat"))
        return "copy / layout";
    if (has("elementwise") || has("vectorized") || has("unrolled") || has("reduce"))
        return "elementwise / reduce";
    return "other";
}

void printTable(const char* heading, const std::map<std::string, KernelTotal>& totals, double allNs, int runs,
                int top)
{
    std::vector<std::pair<std::string, KernelTotal>> rows(totals.begin(), totals.end());
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.second.nanoseconds > b.second.nanoseconds; });
    std::printf("  %s\n", heading);
    for (size_t i = 0; i < rows.size() && int(i) < top; ++i) {
        std::string name = rows[i].first;
        if (name.size() > 110)
            name = name.substr(0, 107) + "...";
        std::printf("    %8.3f ms %5.1f%% %6.1f calls  %s\n", rows[i].second.nanoseconds / 1e6 / runs,
                    100.0 * rows[i].second.nanoseconds / std::max(allNs, 1.0), double(rows[i].second.calls) / runs,
                    name.c_str());
    }
}

/// One thing the device did: a kernel, a copy or a memset, in profiler time.
struct DeviceSpan {
    uint64_t startNs = 0;
    uint64_t endNs = 0;
    std::string name;
};

std::string shortName(std::string name)
{
    return name.size() > 60 ? name.substr(0, 57) + "..." : name;
}

/// Where the device waited: the `top` longest gaps between kernels (copies
/// run beside kernels on engines of their own and do not fill a gap), with
/// the kernels on either side and how far into the recording each gap
/// opened; the copies by direction with their rate; and the tail, from the
/// last kernel's end to the last copy's.
/// Returns the windows [start, end) of the three longest gaps, longest first.
std::vector<std::pair<uint64_t, uint64_t>> printTimeline(std::vector<DeviceSpan> spans, int top)
{
    if (spans.empty())
        return {};
    std::sort(spans.begin(), spans.end(), [](const DeviceSpan& a, const DeviceSpan& b) { return a.startNs < b.startNs; });
    const uint64_t origin = spans.front().startNs;
    uint64_t lastEnd = 0;
    for (const DeviceSpan& span : spans)
        lastEnd = std::max(lastEnd, span.endNs);
    struct Gap {
        double ms;
        double atMs;
        std::string before, after;
        uint64_t startNs = 0, endNs = 0;
    };
    std::vector<Gap> gaps;
    std::map<std::string, KernelTotal> copies; // by the copy's name (direction, pinned or pageable)
    uint64_t kernelEnd = 0;
    std::string lastKernel = "(the recording's start)";
    for (const DeviceSpan& span : spans) {
        if (isCopy(span.name)) {
            copies[span.name].nanoseconds += double(span.endNs - span.startNs);
            copies[span.name].calls += 1;
            continue;
        }
        if (kernelEnd > 0 && span.startNs > kernelEnd)
            gaps.push_back({double(span.startNs - kernelEnd) / 1e6, double(kernelEnd - origin) / 1e6, lastKernel,
                            span.name, kernelEnd, span.startNs});
        if (span.endNs > kernelEnd) {
            kernelEnd = span.endNs;
            lastKernel = span.name;
        }
    }
    double gapMs = 0.0;
    for (const Gap& gap : gaps)
        gapMs += gap.ms;
    std::sort(gaps.begin(), gaps.end(), [](const Gap& a, const Gap& b) { return a.ms > b.ms; });
    std::printf("  timeline: first to last device event %.2f ms; %zu gaps between kernels, %.2f ms in all; the last "
                "kernel ends %.2f ms before the last copy\n",
                double(lastEnd - origin) / 1e6, gaps.size(), gapMs, double(lastEnd - kernelEnd) / 1e6);
    for (size_t i = 0; i < gaps.size() && int(i) < top; ++i)
        std::printf("    gap %7.3f ms at %8.2f ms, after %s, before %s\n", gaps[i].ms, gaps[i].atMs,
                    shortName(gaps[i].before).c_str(), shortName(gaps[i].after).c_str());
    for (const auto& [name, total] : copies)
        std::printf("    copies %s: %lld calls, %.2f ms on the device\n", name.c_str(), (long long)total.calls,
                    total.nanoseconds / 1e6);
    std::vector<std::pair<uint64_t, uint64_t>> windows;
    for (size_t i = 0; i < gaps.size() && i < 3; ++i)
        windows.emplace_back(gaps[i].startNs, gaps[i].endNs);
    return windows;
}

/// One range the host spent in a named scope: ours (tessera::...) or an op.
struct HostSpan {
    uint64_t startNs = 0;
    uint64_t durationNs = 0;
    uint64_t thread = 0;
    std::string name;
};

/// What the host did while the device waited: the ranges of at least 20 us
/// that overlap each of `gaps` (the longest device gaps), in time order.
void printHostDuringGaps(std::vector<HostSpan> spans, const std::vector<std::pair<uint64_t, uint64_t>>& gaps,
                         uint64_t origin)
{
    std::sort(spans.begin(), spans.end(), [](const HostSpan& a, const HostSpan& b) { return a.startNs < b.startNs; });
    for (const auto& [start, end] : gaps) {
        std::printf("  host during the gap at %.2f ms (%.3f ms)\n", (double(start) - double(origin)) / 1e6,
                    double(end - start) / 1e6);
        int shown = 0;
        for (const HostSpan& span : spans)
            if (span.startNs < end && span.startNs + span.durationNs > start && span.durationNs >= 20000
                && shown++ < 16)
                std::printf("    %8.3f ms at %8.2f ms, thread %llu: %s\n", double(span.durationNs) / 1e6,
                            (double(span.startNs) - double(origin)) / 1e6, (unsigned long long)span.thread,
                            shortName(span.name).c_str());
    }
}

/// The `top` longest host ranges, timed on the device events' clock (kineto
/// aligns the two), so a gap on the device can be matched to what the host
/// did meanwhile; and the sum per tessera:: scope.
void printHostRanges(std::vector<HostSpan> spans, uint64_t origin, int top)
{
    std::map<std::string, KernelTotal> scopes;
    for (const HostSpan& span : spans)
        if (span.name.rfind("tessera::", 0) == 0) {
            scopes[span.name].nanoseconds += double(span.durationNs);
            scopes[span.name].calls += 1;
        }
    std::sort(spans.begin(), spans.end(), [](const HostSpan& a, const HostSpan& b) { return a.durationNs > b.durationNs; });
    std::printf("  host ranges, longest first (ms from the first device event; thread)\n");
    for (size_t i = 0; i < spans.size() && int(i) < top; ++i)
        std::printf("    %8.3f ms at %8.2f ms, thread %llu: %s\n", double(spans[i].durationNs) / 1e6,
                    (double(spans[i].startNs) - double(origin)) / 1e6, (unsigned long long)spans[i].thread,
                    shortName(spans[i].name).c_str());
    for (const auto& [name, total] : scopes)
        std::printf("    scope %s: %lld calls, %.2f ms on the host\n", name.c_str(), (long long)total.calls,
                    total.nanoseconds / 1e6);
}

} // namespace
#endif

void printKernelProfile(const std::string& title, const DeviceSpec& device, int runs, int top,
                        const std::function<void()>& work)
{
#if TORCH_VERSION_MAJOR >= 2
    using namespace torch::profiler::impl;
    namespace profiler = torch::autograd::profiler;
    work(); // warm-up outside the recording (autotuning, allocations)
    synchronizeDevice(device);
    const ProfilerConfig config(ProfilerState::KINETO);
    const std::set<ActivityType> activities{ActivityType::CPU, ActivityType::CUDA};
    profiler::prepareProfiler(config, activities);
    profiler::enableProfiler(config, activities);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < runs; ++i)
        work();
    synchronizeDevice(device);
    const double wallMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const std::unique_ptr<profiler::ProfilerResult> result = profiler::disableProfiler();

    std::map<std::string, KernelTotal> kernels, families;
    std::vector<DeviceSpan> spans;
    std::vector<HostSpan> hostSpans;
    double allNs = 0.0, copyNs = 0.0;
    for (const profiler::KinetoEvent& event : result->events()) {
        // Our scopes show on the device too, as the span of their kernels: not work of their own.
        if (event.deviceType() == c10::DeviceType::CUDA && event.name().rfind("tessera::", 0) == 0)
            continue;
        if (event.deviceType() != c10::DeviceType::CUDA) {
            hostSpans.push_back({event.startNs(), event.durationNs(), event.startThreadId(), event.name()});
            continue;
        }
        const std::string name = event.name();
        spans.push_back({event.startNs(), event.endNs(), name});
        const std::string family = familyOf(name);
        const double ns = double(event.durationNs());
        kernels[name].nanoseconds += ns;
        kernels[name].calls += 1;
        families[family].nanoseconds += ns;
        families[family].calls += 1;
        allNs += ns;
        if (family == "host-device copy")
            copyNs += ns;
    }
    // Kernels run one at a time on the compute stream; copies overlap them on
    // their own: the kernels' sum over the wall time is the busy share.
    const double kernelMs = (allNs - copyNs) / 1e6;
    std::printf("profile %s: %d runs, wall %.2f ms per run under the profiler, kernels %.2f ms per run (device busy "
                "%.0f%%), host-device copies %.2f ms per run\n",
                title.c_str(), runs, wallMs / runs, kernelMs / runs, 100.0 * kernelMs / std::max(wallMs, 1e-9),
                copyNs / 1e6 / runs);
    printTable("by family", families, allNs, runs, 10);
    printTable("by kernel", kernels, allNs, runs, top);
    const std::vector<std::pair<uint64_t, uint64_t>> gaps = printTimeline(spans, top);
    uint64_t origin = UINT64_MAX;
    for (const DeviceSpan& span : spans)
        origin = std::min(origin, span.startNs);
    if (!spans.empty()) {
        printHostDuringGaps(hostSpans, gaps, origin);
        printHostRanges(std::move(hostSpans), origin, top);
    }
#else
    (void)device;
    (void)runs;
    (void)top;
    (void)work;
    std::printf("profile %s: needs LibTorch 2.x (this build has %s)\n", title.c_str(), TORCH_VERSION);
#endif
}

} // namespace tessera::bench

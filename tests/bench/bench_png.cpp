#include "bench_png.h"

#include "bench_models.h"

#include "encode/png_encoder.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

namespace tessera::bench {
namespace {

int intValue(const Options& options, const std::string& key, int fallback)
{
    const auto it = options.find(key);
    return it == options.end() ? fallback : std::stoi(it->second);
}

double medianSeconds(int runs, const std::function<void()>& run)
{
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        run();
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

} // namespace

int runPngTiming(const Options& options)
{
    const int size = intValue(options, "--size", 8192);
    const int bits = intValue(options, "--bits", 8);
    const int level = intValue(options, "--level", 6);
    const int runs = std::max(1, intValue(options, "--runs", 3));
    const int threads = intValue(options, "--threads", 0);
    constexpr int kBandRows = 64;

    SyntheticSource source(size, size);
    std::vector<float> pixels(size_t(size) * size_t(size) * 3);
    source.readRows(0, size, pixels.data());
    const double rawMegabytes = double(size) * size * 3 * (bits / 8) / 1e6;

    size_t outputBytes = 0;
    auto encode = [&](int threadCount) {
        PngEncoderSettings settings;
        settings.width = size;
        settings.height = size;
        settings.bits = bits;
        settings.level = level;
        settings.threads = threadCount;
        size_t bytes = 0;
        PngEncoder encoder(settings, [&bytes](const uint8_t*, size_t n) { bytes += n; });
        for (int y = 0; y < size; y += kBandRows)
            encoder.writeRows(std::min(kBandRows, size - y), pixels.data() + size_t(y) * size_t(size) * 3);
        encoder.finish();
        outputBytes = bytes;
    };
    const int cores = threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
    const double one = medianSeconds(runs, [&] { encode(1); });
    const double all = medianSeconds(runs, [&] { encode(threads); });
    std::printf("png %dx%d RGB %d-bit, level %d: one thread %.3f s (%.0f MB/s), %d threads %.3f s (%.0f MB/s): "
                "%.2fx; %.1f MB out (median of %d)\n",
                size, size, bits, level, one, rawMegabytes / one, cores, all, rawMegabytes / all, one / all,
                double(outputBytes) / 1e6, runs);
    return 0;
}

} // namespace tessera::bench

#include "bench_png.h"

#include "bench_models.h"

#include "common/error.h"
#include "encode/png_encoder.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

namespace tessera::bench {
namespace {

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
    const int size = intOption(options, "--size", 8192);
    const int bits = intOption(options, "--bits", 8);
    const int level = intOption(options, "--level", PngEncoderSettings{}.level);
    const int runs = std::max(1, intOption(options, "--runs", 3));
    const int threads = intOption(options, "--threads", 0);
    constexpr int kBandRows = 64;

    // --content upscaled: the texture at a quarter of the size, upscaled x4
    // (bicubic), as smooth as an x4 model's output of it; deflate's speed
    // depends on the content.
    const bool upscaled = textOption(options, "--content", "texture") == "upscaled";
    const int sourceSize = upscaled ? size / 4 : size;
    SyntheticSource source(sourceSize, sourceSize);
    std::vector<float> pixels(size_t(size) * size_t(size) * 3);
    if (upscaled) {
        std::vector<float> small(size_t(sourceSize) * size_t(sourceSize) * 3);
        source.readRows(0, sourceSize, small.data());
        // [H, W, 3] -> [1, 3, H, W] -> x4 -> [4H, 4W, 3]
        const at::Tensor chw = at::from_blob(small.data(), {sourceSize, sourceSize, 3}, at::kFloat).permute({2, 0, 1});
        const at::Tensor big = at::upsample_bicubic2d(chw.unsqueeze(0), {size, size}, false)[0].permute({1, 2, 0}).contiguous();
        std::copy(big.data_ptr<float>(), big.data_ptr<float>() + pixels.size(), pixels.begin());
    } else {
        source.readRows(0, size, pixels.data());
    }
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
    std::printf("png %dx%d RGB %d-bit, %s, level %d: one thread %.3f s (%.0f MB/s), %d threads %.3f s (%.0f MB/s): "
                "%.2fx; %.1f MB out (median of %d)\n",
                size, size, bits, upscaled ? "upscaled texture" : "texture", level, one, rawMegabytes / one, cores, all, rawMegabytes / all, one / all,
                double(outputBytes) / 1e6, runs);
    return 0;
}

PngFileSink::~PngFileSink()
{
    m_encoder.reset();
    if (m_file)
        std::fclose(m_file);
}

void PngFileSink::finish()
{
    m_encoder->finish();
    m_encoder.reset();
    if (std::fclose(m_file) != 0)
        throw Error(ErrorCode::Io, m_path + ": write failed");
    m_file = nullptr;
}

void PngFileSink::begin(int width, int height, int channels)
{
    m_file = std::fopen(m_path.c_str(), "wb");
    if (!m_file)
        throw Error(ErrorCode::Io, m_path + ": cannot create the file");
    PngEncoderSettings settings;
    settings.width = width;
    settings.height = height;
    settings.channels = channels;
    settings.level = m_level;
    std::FILE* file = m_file;
    m_encoder = std::make_unique<PngEncoder>(settings, [file](const uint8_t* bytes, size_t size) {
        if (std::fwrite(bytes, 1, size, file) != size)
            throw Error(ErrorCode::Io, "png sink: write failed");
    });
}

void PngFileSink::writeRows(int, int rowCount, const float* pixels)
{
    m_encoder->writeRows(rowCount, pixels);
}

void PngFileSink::writeBytes(int, int rowCount, const uint8_t* samples)
{
    m_encoder->writeBytes(rowCount, samples);
}

} // namespace tessera::bench

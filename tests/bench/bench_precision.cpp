#include "bench_precision.h"

#include "common/device.h"
#include "common/error.h"
#include "models/cpu/winograd_convolution.h"
#include "pipeline/upscale_job.h"
#include "tiling/quantize_rows.h"

#include <ATen/ATen.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <vector>

namespace tessera::bench {

namespace {

/// The next header field of a PPM: a number after whitespace and # comments.
int ppmField(std::istream& in, const std::string& path)
{
    for (;;) {
        const int c = in.peek();
        if (c == '#')
            in.ignore(1 << 20, '\n');
        else if (std::isspace(c))
            in.get();
        else
            break;
    }
    int value = -1;
    if (!(in >> value) || value <= 0)
        throw Error(ErrorCode::InvalidArgument, path + ": not a binary PPM (P6) header");
    return value;
}

/// A binary PPM (P6) as a float RGB image in [0, 1].
Image readPpm(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ErrorCode::Io, path + ": cannot open the file");
    char magic[2] = {};
    in.read(magic, 2);
    if (magic[0] != 'P' || magic[1] != '6')
        throw Error(ErrorCode::InvalidArgument, path + ": not a binary PPM (P6) file");
    const int width = ppmField(in, path), height = ppmField(in, path), maxValue = ppmField(in, path);
    if (maxValue > 65535 || int64_t(width) * height > (int64_t(1) << 28))
        throw Error(ErrorCode::InvalidArgument, path + ": impossible PPM size or depth");
    in.get(); // the single whitespace before the samples
    const int bytes = maxValue < 256 ? 1 : 2;
    std::vector<unsigned char> raw(size_t(width) * size_t(height) * 3 * size_t(bytes));
    if (!in.read(reinterpret_cast<char*>(raw.data()), std::streamsize(raw.size())))
        throw Error(ErrorCode::InvalidArgument, path + ": the PPM's samples are cut short");
    Image image(width, height, 3);
    float* out = image.data();
    for (size_t i = 0; i < size_t(width) * size_t(height) * 3; ++i) {
        const int v = bytes == 1 ? raw[i] : (raw[2 * i] << 8) | raw[2 * i + 1]; // big-endian
        out[i] = float(v) / float(maxValue);
    }
    return image;
}

at::Tensor pixelsOf(const Image& image)
{
    return at::from_blob(const_cast<float*>(image.data()), {image.height(), image.width(), image.channels()}, at::kFloat);
}

} // namespace

int runPrecisionCheck(const Options& options)
{
    UpscaleSettings settings;
    settings.modelPath = textOption(options, "--model", "");
    if (settings.modelPath.empty())
        throw Error(ErrorCode::InvalidArgument, "precision mode: --model is required");
    setDevices(settings, parseDevices(textOption(options, "--device", "cuda")));
    settings.tileSize = intOption(options, "--tile", 0);
    const std::vector<std::string> images = listOption(options, "--images", "");
    if (images.empty())
        throw Error(ErrorCode::InvalidArgument, "precision mode: --images A.ppm[,B.ppm...] is required");
    const std::vector<std::string> precisions = listOption(options, "--precisions", "fp16,bf16");
    // --reference direct: the fp32 reference with the CPU's convolutions
    // summed directly (torch's), not as Winograd transforms, to measure what
    // those cost on real photos (--precisions fp32).
    const bool direct = textOption(options, "--reference", "fp32") == "direct";
    const std::string referenceName = direct ? "fp32 with direct convolutions" : "fp32";
    UpscaleJob job;
    for (const std::string& path : images) {
        const Image photo = readPpm(path);
        settings.precision = Precision::Fp32;
        cpu::setWinogradConvolutionsEnabled(!direct);
        const Image reference = job.run(settings, photo);
        cpu::setWinogradConvolutionsEnabled(true);
        const at::Tensor expected = pixelsOf(reference).clamp(0.0, 1.0);
        const at::Tensor expectedBytes = quantizeTo8Bits(expected);
        for (const std::string& name : precisions) {
            settings.precision = parsePrecision(name);
            const Image output = job.run(settings, photo);
            const at::Tensor actual = pixelsOf(output).clamp(0.0, 1.0);
            const double mse = (actual - expected).pow(2).mean().item<double>();
            const double largest = (actual - expected).abs().max().item<double>();
            const double bytesDiffer = quantizeTo8Bits(actual).ne(expectedBytes).to(at::kDouble).mean().item<double>();
            char psnr[32] = "identical";
            if (mse > 0)
                std::snprintf(psnr, sizeof psnr, "%.2f dB", 10.0 * std::log10(1.0 / mse));
            std::printf("%s %dx%d, %s against %s on %s: PSNR %s, max |difference| %.2e, %.3f%% of 8-bit samples "
                        "differ\n",
                        path.c_str(), photo.width(), photo.height(), name.c_str(), referenceName.c_str(),
                        textOption(options, "--device", "cuda").c_str(), psnr, largest, 100.0 * bytesDiffer);
        }
    }
    return 0;
}

} // namespace tessera::bench

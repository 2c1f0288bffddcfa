#include "bench_models.h"

#include "common/torch_compat.h"

#include <cmath>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace tessera::bench {

TileModel tinyConvModel(int scale, int features, int layers, const DeviceSpec& device,
                        Precision precision)
{
    at::manual_seed(1234);
    const auto options = at::TensorOptions().device(toTorchDevice(device)).dtype(toTorchDtype(precision));
    auto weights = std::make_shared<std::vector<std::pair<at::Tensor, at::Tensor>>>();
    int in = 3;
    for (int i = 0; i < layers; ++i) {
        const int out = i + 1 == layers ? 3 * scale * scale : features;
        at::Tensor w = (at::randn({out, in, 3, 3}) * (1.0 / std::sqrt(9.0 * in))).to(options);
        at::Tensor b = (at::randn({out}) * 0.01).to(options);
        weights->emplace_back(w, b);
        in = out;
    }
    TileModel model;
    model.scale = scale;
    model.receptiveRadius = layers;
    model.device = device;
    model.precision = precision;
    model.forward = [weights, scale](const at::Tensor& input) {
        // x: [N, 3, H, W]
        at::Tensor x = input;
        for (size_t i = 0; i < weights->size(); ++i) {
            x = at::conv2d(x, (*weights)[i].first, (*weights)[i].second, 1, 1);
            if (i + 1 < weights->size())
                x = at::relu(x);
        }
        // x: [N, 3 * s * s, H, W] -> [N, 3, H * s, W * s]
        return scale > 1 ? at::pixel_shuffle(x, scale) : x;
    };
    return model;
}

void SyntheticSource::readRows(int y, int rowCount, float* pixels)
{
    for (int row = y; row < y + rowCount; ++row) {
        for (int x = 0; x < m_width; ++x) {
            // A little texture: a cheap integer hash per pixel.
            uint32_t h = uint32_t(x) * 73856093u ^ uint32_t(row) * 19349663u;
            h ^= h >> 13;
            const float noise = float(h & 255u) / 255.0f * 0.1f;
            *pixels++ = float(x) / float(m_width) * 0.9f + noise;
            *pixels++ = float(row) / float(m_height) * 0.9f + noise;
            *pixels++ = 0.5f + 0.4f * std::sin(float(x + row) * 0.01f);
        }
    }
}

void NullSink::begin(int width, int height, int channels)
{
    m_rowFloats = int64_t(width) * channels;
}

void NullSink::writeRows(int y, int rowCount, const float* pixels)
{
    rows += rowCount;
    // One sample per row keeps the compiler from dropping the work.
    for (int r = 0; r < rowCount; ++r)
        checksum += pixels[int64_t(r) * m_rowFloats];
}

int64_t peakResidentBytes()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stoll(line.substr(6)) * 1024; // reported in kB
    }
    return 0;
}

bool resetPeakResident()
{
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    return bool(clear);
}

} // namespace tessera::bench

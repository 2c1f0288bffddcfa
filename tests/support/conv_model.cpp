#include "support/conv_model.h"

#include "common/torch_compat.h"

#include <ATen/ATen.h>

#include <cmath>
#include <memory>
#include <utility>
#include <vector>

namespace tessera::test {

TileModel makeConvModel(int channels, int scale, int layers, int width, uint64_t seed,
                        const DeviceSpec& device, Precision precision)
{
    at::manual_seed(seed);
    const auto options = at::TensorOptions().device(toTorchDevice(device)).dtype(toTorchDtype(precision));
    auto weights = std::make_shared<std::vector<std::pair<at::Tensor, at::Tensor>>>();
    int in = channels;
    for (int i = 0; i < layers; ++i) {
        const int out = i + 1 == layers ? channels * scale * scale : width;
        // Scaled so activations keep their size through the stack.
        at::Tensor w = (at::randn({out, in, 3, 3}) * (1.0 / std::sqrt(9.0 * in))).to(options);
        at::Tensor b = (at::randn({out}) * 0.1).to(options);
        weights->emplace_back(w, b);
        in = out;
    }
    TileModel model;
    model.scale = scale;
    model.inChannels = channels;
    model.outChannels = channels;
    model.receptiveRadius = layers;
    model.device = device;
    model.precision = precision;
    // Peak per input pixel: the input, two feature maps alive across a
    // convolution, and the last conv's and the pixel shuffle's outputs.
    const int64_t elementBytes = precision == Precision::Fp32 ? 4 : 2;
    model.bytesPerPixel = elementBytes * (channels + 2 * width + 2 * channels * scale * scale);
    model.forward = [weights, scale](const at::Tensor& input) {
        // x: [N, C, H, W]
        at::Tensor x = input;
        for (size_t i = 0; i < weights->size(); ++i) {
            x = at::conv2d(x, (*weights)[i].first, (*weights)[i].second, 1, 1);
            if (i + 1 < weights->size())
                x = at::relu(x);
        }
        // x: [N, C * s * s, H, W] -> [N, C, H * s, W * s]
        return scale > 1 ? at::pixel_shuffle(x, scale) : x;
    };
    return model;
}

} // namespace tessera::test

#pragma once
// Models built in the tests: random-weight convolution stacks of known
// receptive radius, and the whole-image reference the tiled output must match.

#include "image/image.h"
#include "image/tensor_convert.h"
#include "tiling/tile_model.h"
#include "tiling/tile_tensors.h"

#include <ATen/ATen.h>

#include <memory>
#include <vector>

namespace tessera::test {

/// `layers` 3x3 convolutions with zero padding (radius = layers), ReLU between
/// them, the last one making channels * scale^2 maps for a pixel shuffle.
/// x: [N, channels, H, W] -> [N, channels, H * scale, W * scale]
inline TileModel makeConvModel(int channels, int scale, int layers, uint64_t seed, int width = 8)
{
    at::manual_seed(seed);
    auto weights = std::make_shared<std::vector<std::pair<at::Tensor, at::Tensor>>>();
    int in = channels;
    for (int i = 0; i < layers; ++i) {
        const int out = i + 1 == layers ? channels * scale * scale : width;
        at::Tensor w = at::randn({out, in, 3, 3}) * (1.0 / std::sqrt(9.0 * in));
        at::Tensor b = at::randn({out}) * 0.1;
        weights->emplace_back(w, b);
        in = out;
    }
    TileModel model;
    model.scale = scale;
    model.inChannels = channels;
    model.outChannels = channels;
    model.receptiveRadius = layers;
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

/// The model run on the whole image, reflect-padded by `halo` (and on the
/// right/bottom up to the model's multiple), with the halo's output cropped.
/// image: HWC -> returns [1, C, H * s, W * s]
inline at::Tensor wholeImageReference(const Image& image, const TileModel& model, int halo)
{
    at::Tensor x = imageToTensor(image); // [1, C, H, W]
    const int k = model.inputMultiple;
    const int w = image.width(), h = image.height();
    const int extraX = (w + 2 * halo + k - 1) / k * k - (w + 2 * halo);
    const int extraY = (h + 2 * halo + k - 1) / k * k - (h + 2 * halo);
    at::Tensor padded = tessera::detail::reflectPad(x, halo, halo + extraX, halo, halo + extraY);
    at::Tensor y = model.forward(padded);
    const int s = model.scale;
    return y.narrow(2, s * halo, s * h).narrow(3, s * halo, s * w);
}

/// An image of smooth gradients plus noise, values in [0, 1].
inline Image makeTestImage(int width, int height, int channels, uint64_t seed)
{
    at::manual_seed(seed);
    at::Tensor t = at::rand({1, channels, height, width});
    Image image = tensorToImage(t);
    return image;
}

inline double maxDifference(const at::Tensor& a, const at::Tensor& b)
{
    return (a.to(at::kFloat) - b.to(at::kFloat)).abs().max().item<double>();
}

} // namespace tessera::test

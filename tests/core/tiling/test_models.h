#pragma once
// Models built in the tiling tests, of known receptive radius, and the
// whole-image reference the tiled output must match. The convolution stack
// shared with the bench is support/conv_model.h.

#include "common/int_math.h"
#include "image/image.h"
#include "image/tensor_convert.h"
#include "support/conv_model.h"
#include "tiling/tile_model.h"
#include "tiling/tile_tensors.h"

#include <ATen/ATen.h>

#include <cmath>
#include <functional>
#include <memory>
#include <stdexcept>

namespace tessera::test {

/// A /8 "VAE encoder": 8x8 average pooling, then a 3x3 convolution (zero
/// padded) from 3 to 4 channels on the pooled grid. One pooled pixel spans 8
/// input pixels, so the receptive radius is 8 input pixels.
/// forward: x [N, 3, H, W] -> [N, 4, H / 8, W / 8]
inline TileModel makeEncoderModel(uint64_t seed)
{
    at::manual_seed(seed);
    const at::Tensor w = at::randn({4, 3, 3, 3}) * (1.0 / std::sqrt(27.0));
    const at::Tensor b = at::randn({4}) * 0.1;
    TileModel model;
    model.scale = ScaleRatio(1, 8);
    model.inChannels = 3;
    model.outChannels = 4;
    model.receptiveRadius = 8;
    model.forward = [w, b](const at::Tensor& x) {
        // x: [N, 3, H, W] -> [N, 3, H / 8, W / 8] -> [N, 4, H / 8, W / 8]
        return at::conv2d(at::avg_pool2d(x, 8), w, b, 1, 1);
    };
    return model;
}

/// An x8 "VAE decoder": nearest upsampling by 8, then a 3x3 convolution (zero
/// padded) from 4 to 3 channels at output resolution. An output pixel sees
/// output pixels one away, which lie at most one input pixel away: radius 1.
/// forward: x [N, 4, h, w] -> [N, 3, 8 h, 8 w]
inline TileModel makeDecoderModel(uint64_t seed)
{
    at::manual_seed(seed);
    const at::Tensor w = at::randn({3, 4, 3, 3}) * (1.0 / 6.0);
    const at::Tensor b = at::randn({3}) * 0.1;
    TileModel model;
    model.scale = 8;
    model.inChannels = 4;
    model.outChannels = 3;
    model.receptiveRadius = 1;
    model.forward = [w, b](const at::Tensor& x) {
        // x: [N, 4, h, w] -> [N, 4, 8 h, 8 w] -> [N, 3, 8 h, 8 w]
        const at::Tensor up = at::upsample_nearest2d(x, {x.size(2) * 8, x.size(3) * 8});
        return at::conv2d(up, w, b, 1, 1);
    };
    return model;
}

/// The model run on the whole image, reflect-padded by `halo` (and on the
/// right/bottom up to a multiple of the model's multiple and scale.den), with
/// the halo's output cropped.
/// image: HWC -> returns [1, C', H * s, W * s]
inline at::Tensor wholeImageReference(const Image& image, const TileModel& model, int halo)
{
    const at::Tensor x = imageToTensor(image); // [1, C, H, W]
    const int k = leastCommonMultiple(model.inputMultiple, model.scale.den);
    const int w = image.width(), h = image.height();
    const TileRect padded{-halo, -halo, roundUpToMultiple(w + 2 * halo, k),
                          roundUpToMultiple(h + 2 * halo, k)};
    const at::Tensor y = model.forward(tessera::detail::reflectWindow(x, padded));
    const ScaleRatio s = model.scale;
    return y.narrow(2, s.toOutput(halo), s.toOutput(h)).narrow(3, s.toOutput(halo), s.toOutput(w));
}

/// An image of uniform noise, values in [0, 1].
/// Wraps a model so that forward() throws like LibTorch does when out of
/// memory for the inputs where `fails` says so.
inline TileModel failingWhen(TileModel model, std::function<bool(const at::Tensor&)> fails)
{
    auto inner = model.forward;
    model.forward = [inner, fails](const at::Tensor& x) {
        if (fails(x))
            throw std::runtime_error("CUDA out of memory. Tried to allocate 2.00 GiB (simulated)");
        return inner(x);
    };
    return model;
}

/// Many tiles and bands of 7 rows for the sink: the streaming and queue tests' plan.
inline TiledOptions streamingOptions()
{
    TiledOptions options;
    options.tileSize = 40;
    options.overlap = 6;
    options.halo = 3;
    options.sinkChunkRows = 7;
    return options;
}

inline Image makeTestImage(int width, int height, int channels, uint64_t seed)
{
    at::manual_seed(seed);
    return tensorToImage(at::rand({1, channels, height, width}));
}

inline double maxDifference(const at::Tensor& a, const at::Tensor& b)
{
    return (a.to(at::kFloat) - b.to(at::kFloat)).abs().max().item<double>();
}

} // namespace tessera::test

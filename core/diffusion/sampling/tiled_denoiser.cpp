#include "diffusion/sampling/tiled_denoiser.h"

#include "common/error.h"
#include "tiling/tile_accumulator.h"
#include "tiling/tile_tensors.h"

#include <algorithm>
#include <vector>

namespace tessera::sd {

Denoiser tiledDenoiser(Denoiser inner, TilePlan plan, TiledDenoiserOptions options)
{
    if (options.batch < 1)
        throw Error(ErrorCode::InvalidArgument, "tiled denoiser: batch must be at least 1");
    return [inner = std::move(inner), plan = std::move(plan), options = std::move(options)](const at::Tensor& x,
                                                                                           double sigma) {
        const int width = plan.outputWidth(), height = plan.outputHeight();
        if (x.dim() != 4 || x.size(2) != height || x.size(3) != width)
            throw Error(ErrorCode::InvalidArgument, "tiled denoiser: a latent of " + std::to_string(x.size(-1)) + "x" +
                                                        std::to_string(x.size(-2)) + " for a plan of " +
                                                        std::to_string(width) + "x" + std::to_string(height));
        const std::vector<Tile>& tiles = plan.tiles();
        const TileRect whole{0, 0, width, height};
        if (tiles.size() == 1 && plan.toOutput(tiles.front().halo) == whole) {
            at::Tensor x0 = inner(x, sigma);
            if (options.tilesDone)
                options.tilesDone(1, 1);
            return x0;
        }

        const int64_t batch = x.size(0), channels = x.size(1);
        TileAccumulator accumulator(whole, int(batch * channels), x.device());
        BlendWeightCache weights(options.ramp, x.device());
        const int count = int(tiles.size());
        for (int first = 0; first < count; first += options.batch) {
            const int last = std::min(count, first + options.batch);
            // The padded windows of this batch: [n * B, C, ph, pw]
            std::vector<at::Tensor> windows;
            for (int t = first; t < last; ++t)
                windows.push_back(detail::reflectWindow(x, plan.toOutput(tiles[size_t(t)].halo)));
            const at::Tensor predicted = inner(at::cat(windows, 0), sigma);
            for (int t = first; t < last; ++t) {
                const Tile& tile = tiles[size_t(t)];
                const TileRect halo = plan.toOutput(tile.halo), blend = plan.toOutput(tile.blend);
                // [B, C, ph, pw] -> [B * C, blend.height, blend.width]
                const at::Tensor values = detail::cropWithin(predicted.narrow(0, int64_t(t - first) * batch, batch),
                                                             halo, blend)
                                              .to(at::kFloat)
                                              .reshape({batch * channels, blend.height, blend.width});
                accumulator.add(blend, values, weights.y(plan, tile), weights.x(plan, tile));
            }
            if (options.tilesDone)
                options.tilesDone(last, count);
        }
        return accumulator.result().reshape({batch, channels, height, width}).to(x.scalar_type());
    };
}

} // namespace tessera::sd

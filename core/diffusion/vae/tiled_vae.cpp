#include "diffusion/vae/tiled_vae.h"

#include "common/error.h"
#include "tiling/tile_accumulator.h"
#include "tiling/tile_plan.h"

#include <string>
#include <utility>
#include <vector>

namespace tessera::sd {
namespace {

/// Where one tile lies, in latent pixels.
struct TileFrame {
    TileRect input; ///< its area plus halo, clipped to the image: what the tile computes
    TileRect core;  ///< its cell of a partition of the image: what its GroupNorm statistics count
};

/// The frames of a plan whose pixels are `planPixelsPerLatent` latent pixels
/// apart (1: a plan over the latent; 8: over the image). The halo is clipped
/// rather than reflected: at the image border the convolutions then pad with
/// zeros exactly as on the whole image. Cores split each overlap in the
/// middle of its blend band, so they tile the image without gaps or overlaps.
std::vector<TileFrame> tileFrames(const TilePlan& plan, int planPixelsPerLatent)
{
    const int k = planPixelsPerLatent;
    auto toLatent = [k](const TileRect& r) { return TileRect{r.x / k, r.y / k, r.width / k, r.height / k}; };
    const TileRect image{0, 0, plan.imageWidth() / k, plan.imageHeight() / k};
    std::vector<TileFrame> frames;
    for (const Tile& tile : plan.tiles()) {
        const TileRect blend = toLatent(tile.blend);
        const int left = tile.rampLeft / k, top = tile.rampTop / k;
        const int right = tile.rampRight / k, bottom = tile.rampBottom / k;
        // A band of O pixels: the left tile keeps its first O - O/2, the right one the last O/2.
        const int x0 = blend.x + (left - left / 2), y0 = blend.y + (top - top / 2);
        const int x1 = blend.right() - right / 2, y1 = blend.bottom() - bottom / 2;
        frames.push_back({intersected(toLatent(tile.halo), image), TileRect{x0, y0, x1 - x0, y1 - y0}});
    }
    return frames;
}

/// The part of `full` (at `scale` pixels per latent pixel) under `rect`
/// (latent pixels, relative to `full`'s origin). full: [B, C, H, W] -> [B, C, h, w]
at::Tensor crop(const at::Tensor& full, const TileRect& rect, int scale)
{
    return full.narrow(2, int64_t(rect.y) * scale, int64_t(rect.height) * scale)
        .narrow(3, int64_t(rect.x) * scale, int64_t(rect.width) * scale);
}

/// GroupNorm's normalisation as a per-channel affine map: y = x * scale + shift.
struct GroupAffine {
    at::Tensor scale, shift; ///< [B, C, 1, 1] fp32

    /// x: [B, C, h, w] -> [B, C, h, w] in x's dtype
    at::Tensor apply(const at::Tensor& x) const { return (x.to(at::kFloat) * scale + shift).to(x.scalar_type()); }
};

/// Per (sample, group) mean and sum of squared deviations over many tiles,
/// merged pairwise (Chan et al.), which stays accurate where a running sum
/// of squares would cancel.
class GroupStatistics {
public:
    /// Counts every value of x: [B, C, h, w].
    void add(const at::Tensor& x)
    {
        // [B, C, h, w] -> [B, G, C / G * h * w] in fp32 (fp16 sums would overflow)
        const at::Tensor values = x.to(at::kFloat).reshape({x.size(0), kVaeGroups, -1});
        const double count = double(values.size(2));
        const at::Tensor mean = values.mean(-1, /*keepdim=*/true);
        const at::Tensor m2 = (values - mean).square().sum(-1).to(at::kDouble); // [B, G]
        const at::Tensor tileMean = mean.squeeze(-1).to(at::kDouble);
        if (m_count == 0) {
            m_mean = tileMean;
            m_m2 = m2;
        } else {
            const double total = m_count + count;
            const at::Tensor delta = tileMean - m_mean;
            m_mean = m_mean + delta * (count / total);
            m_m2 = m_m2 + m2 + delta.square() * (m_count * count / total);
        }
        m_count += count;
    }

    /// The affine map of `norm` (its weight and bias after normalising with
    /// the merged mean and biased variance, as torch's group_norm does).
    GroupAffine affine(const GroupNorm& norm) const
    {
        if (m_count == 0 || norm.groups != kVaeGroups)
            throw Error(ErrorCode::Internal, "tiled VAE: GroupNorm statistics of no tiles, or not 32 groups");
        const int64_t batch = m_mean.size(0), channels = norm.weight.size(0);
        // [B, G] -> [B, G, C / G] -> [B, C]: each group's value for its channels
        auto perChannel = [&](const at::Tensor& t) {
            return t.unsqueeze(-1).expand({batch, kVaeGroups, channels / kVaeGroups}).reshape({batch, channels});
        };
        const at::Tensor inverseStd = perChannel((m_m2 / m_count + norm.eps).rsqrt());
        const at::Tensor scale = inverseStd * norm.weight.to(at::kDouble).unsqueeze(0);
        const at::Tensor shift = norm.bias.to(at::kDouble).unsqueeze(0) - perChannel(m_mean) * scale;
        return {scale.to(at::kFloat).reshape({batch, channels, 1, 1}),
                shift.to(at::kFloat).reshape({batch, channels, 1, 1})};
    }

private:
    double m_count = 0;
    at::Tensor m_mean, m_m2; ///< [B, G] fp64
};

/// The activations of every tile at one layer.
struct TileSet {
    std::vector<at::Tensor> tiles; ///< [B, C, h_t, w_t]: frame.input at `scale`
    int scale = 1;                 ///< pixels per latent pixel
    GroupStatistics statistics;    ///< of the tiles' cores
};

/// Runs layers over all tiles of a plan, one tile at a time, with the
/// cancellation checks and progress reports between tiles.
class TilePass {
public:
    TilePass(std::vector<TileFrame> frames, const c10::Device& device, bool parkOnCpu, const CancelToken* cancel,
             const ProgressSink* progress, std::string stage, int64_t layers)
        : m_frames(std::move(frames)), m_device(device), m_parkOnCpu(parkOnCpu), m_cancel(cancel),
          m_progress(progress), m_stage(std::move(stage))
    {
        m_eta.start(layers * int64_t(m_frames.size()));
    }

    size_t size() const { return m_frames.size(); }
    const TileFrame& frame(size_t t) const { return m_frames[t]; }

    /// Tile t of `set` on the compute device.
    at::Tensor fetch(const TileSet& set, size_t t) const { return set.tiles[t].to(m_device); }

    /// Calls visit(t) for every tile.
    template <typename Visit>
    void forEach(Visit&& visit)
    {
        for (size_t t = 0; t < m_frames.size(); ++t) {
            if (m_cancel)
                m_cancel->throwIfCancelled();
            visit(t);
            ++m_done;
            if (m_progress && *m_progress)
                (*m_progress)(m_eta.update(m_done, m_stage));
        }
    }

    /// One layer: step(t) -> tile t's output [B, C, h, w] at `scale`, with
    /// the statistics of the cores gathered for the next GroupNorm.
    template <typename Step>
    TileSet map(int scale, Step&& step)
    {
        TileSet out;
        out.scale = scale;
        forEach([&](size_t t) {
            const at::Tensor y = step(t);
            const TileFrame& f = m_frames[t];
            const TileRect core{f.core.x - f.input.x, f.core.y - f.input.y, f.core.width, f.core.height};
            out.statistics.add(crop(y, core, scale));
            out.tiles.push_back(m_parkOnCpu ? y.to(at::kCPU) : y);
        });
        return out;
    }

private:
    std::vector<TileFrame> m_frames;
    c10::Device m_device;
    bool m_parkOnCpu = false;
    const CancelToken* m_cancel = nullptr;
    const ProgressSink* m_progress = nullptr;
    std::string m_stage;
    EtaEstimator m_eta;
    int64_t m_done = 0;
};

/// ResnetBlock::forward() over all tiles: two layers, each behind a shared GroupNorm.
TileSet resnetTiles(TilePass& pass, const ResnetBlock& block, const TileSet& x)
{
    // x: [B, in, h, w] per tile -> h, out: [B, out, h, w]
    const GroupAffine norm1 = x.statistics.affine(*block.norm1);
    const TileSet h =
        pass.map(x.scale, [&](size_t t) { return block.conv1->forward(at::silu(norm1.apply(pass.fetch(x, t)))); });
    const GroupAffine norm2 = h.statistics.affine(*block.norm2);
    return pass.map(x.scale, [&](size_t t) {
        return block.shortcut(pass.fetch(x, t)) + block.conv2->forward(at::silu(norm2.apply(pass.fetch(h, t))));
    });
}

/// Adds the blend region of tile t's output y ([B, C, h, w] over frame.input
/// at `scale` output pixels per latent pixel) to `accumulator` ([B * C] channels).
void blendTile(TileAccumulator& accumulator, BlendWeightCache& weights, const TilePlan& plan, size_t t,
               const TileFrame& frame, const at::Tensor& y, int scale)
{
    const Tile& tile = plan.tiles()[t];
    const TileRect out = plan.toOutput(tile.blend);
    // [B, C, h, w] -> [B * C, out.height, out.width]
    const at::Tensor values = y.narrow(2, out.y - int64_t(frame.input.y) * scale, out.height)
                                  .narrow(3, out.x - int64_t(frame.input.x) * scale, out.width)
                                  .to(at::kFloat)
                                  .reshape({-1, out.height, out.width});
    accumulator.add(out, values, weights.y(plan, tile), weights.x(plan, tile));
}

int haloOf(const TiledVaeOptions& options, int receptiveRadius)
{
    if (options.haloLatent < -1)
        throw Error(ErrorCode::InvalidArgument,
                    "tiled VAE: halo " + std::to_string(options.haloLatent) + " (expected -1 or at least 0)");
    return options.haloLatent < 0 ? receptiveRadius : options.haloLatent;
}

at::Tensor decodePass(const VaeModel& model, const at::Tensor& latent, const TiledVaeOptions& options,
                      const CancelToken* cancel, const ProgressSink* progress)
{
    const VaeConfig& config = model.config();
    const VaeDecoder& decoder = *model.decoder;
    const int64_t batch = latent.size(0);
    const int scale = int(config.downscale());
    TileSettings settings;
    settings.tileSize = options.tileLatent;
    settings.overlap = options.overlapLatent;
    settings.halo = haloOf(options, decoderReceptiveRadius(config));
    settings.scale = scale;
    const TilePlan plan(int(latent.size(3)), int(latent.size(2)), settings);

    // Layers run tile by tile: the first crop, each block's two, each upsample, the last.
    int64_t layers = 2;
    for (const VaeDecoder::Level& level : decoder.up)
        layers += 2 * int64_t(level.blocks.size()) + (level.upsample ? 1 : 0);
    TilePass pass(tileFrames(plan, 1), model.device(), options.parkTilesOnCpu, cancel, progress, "vae decode", layers);

    TileSet x;
    {
        // [B, z, h, w] -> [B, C, h, w]: the whole latent through post_quant_conv, conv_in and the mid block
        const at::Tensor z = model.postQuantConv->forward(latent.to(model.device(), model.dtype()));
        const at::Tensor middle = decoder.forwardMiddle(z);
        x = pass.map(1, [&](size_t t) { return crop(middle, pass.frame(t).input, 1).contiguous(); });
    }
    for (auto level = decoder.up.rbegin(); level != decoder.up.rend(); ++level) {
        for (const auto& block : level->blocks)
            x = resnetTiles(pass, *block, x);
        if (level->upsample)
            x = pass.map(2 * x.scale, [&](size_t t) { return level->upsample->forward(pass.fetch(x, t)); });
    }

    // norm_out, SiLU, conv_out, then the blend: [B, C, h_t, w_t] -> [B, 3, H, W]
    const GroupAffine normOut = x.statistics.affine(*decoder.normOut);
    TileAccumulator accumulator({0, 0, plan.outputWidth(), plan.outputHeight()}, int(batch * config.imageChannels),
                                model.device());
    BlendWeightCache weights(options.ramp, model.device());
    pass.forEach([&](size_t t) {
        const at::Tensor y = decoder.convOut->forward(at::silu(normOut.apply(pass.fetch(x, t))));
        blendTile(accumulator, weights, plan, t, pass.frame(t), y, x.scale);
    });
    return accumulator.result().reshape({batch, config.imageChannels, plan.outputHeight(), plan.outputWidth()});
}

at::Tensor encodePass(const VaeModel& model, const at::Tensor& image, const TiledVaeOptions& options,
                      const CancelToken* cancel, const ProgressSink* progress)
{
    const VaeConfig& config = model.config();
    const VaeEncoder& encoder = *model.encoder;
    const int64_t batch = image.size(0);
    const int scale = int(config.downscale());
    TileSettings settings;
    settings.tileSize = options.tileLatent * scale;
    settings.overlap = options.overlapLatent * scale;
    settings.halo = haloOf(options, encoderReceptiveRadius(config)) * scale;
    settings.scale = ScaleRatio(1, scale);
    const TilePlan plan(int(image.size(3)), int(image.size(2)), settings);

    // Layers run tile by tile: conv_in, each block's two, each downsample, the blend.
    int64_t layers = 2;
    for (const VaeEncoder::Level& level : encoder.down)
        layers += 2 * int64_t(level.blocks.size()) + (level.downsample ? 1 : 0);
    TilePass pass(tileFrames(plan, scale), model.device(), options.parkTilesOnCpu, cancel, progress, "vae encode",
                  layers);

    // [B, 3, H, W] -> [B, ch, H, W] per tile
    const at::Tensor input = image.to(model.device(), model.dtype());
    TileSet x =
        pass.map(scale, [&](size_t t) { return encoder.convIn->forward(crop(input, pass.frame(t).input, scale)); });
    for (const VaeEncoder::Level& level : encoder.down) {
        for (const auto& block : level.blocks)
            x = resnetTiles(pass, *block, x);
        if (level.downsample)
            x = pass.map(x.scale / 2, [&](size_t t) { return level.downsample->forward(pass.fetch(x, t)); });
    }

    // The latent-resolution features, blended: [B, C, h_t, w_t] -> [B, C, h, w]
    const int64_t channels = x.tiles.front().size(1);
    TileAccumulator accumulator({0, 0, plan.outputWidth(), plan.outputHeight()}, int(batch * channels), model.device());
    BlendWeightCache weights(options.ramp, model.device());
    pass.forEach([&](size_t t) { blendTile(accumulator, weights, plan, t, pass.frame(t), pass.fetch(x, t), x.scale); });
    x.tiles.clear();
    const at::Tensor features = accumulator.result()
                                    .reshape({batch, channels, plan.outputHeight(), plan.outputWidth()})
                                    .to(model.dtype());
    // mid block, norm_out, conv_out, quant_conv on the whole: [B, C, h, w] -> [B, 2 z, h, w]
    return model.momentsOf(encoder.forwardMiddleAndOut(features));
}

} // namespace

int decoderReceptiveRadius(const VaeConfig& config)
{
    // The width of the wrong border a tile grows, in pixels of the current
    // resolution: +1 per 3x3 convolution (zero padding where the real
    // neighbours were), doubled by each nearest upsampling.
    int64_t wrong = 0;
    for (size_t level = config.channelMult.size(); level-- > 0;) {
        wrong += 2 * (config.numResBlocks + 1);
        if (level > 0)
            wrong = 2 * wrong + 1; // upsample, then its convolution
    }
    wrong += 1; // conv_out
    const int64_t scale = config.downscale();
    return int((wrong + scale - 1) / scale);
}

int encoderReceptiveRadius(const VaeConfig& config)
{
    int64_t wrong = 1; // conv_in
    for (size_t level = 0; level < config.channelMult.size(); ++level) {
        wrong += 2 * config.numResBlocks;
        // Downsample: output j reads inputs 2j .. 2j + 2, the last one the zero pad at the right edge.
        if (level + 1 < config.channelMult.size())
            wrong = wrong / 2 + 1;
    }
    return int(wrong);
}

at::Tensor decodeTiled(const VaeModel& model, const at::Tensor& latent, const TiledVaeOptions& options,
                       const CancelToken* cancel, const ProgressSink* progress)
{
    model.checkLatent(latent);
    return model.runWithOverflowFallback(
        [&](const VaeModel& m) { return decodePass(m, latent, options, cancel, progress); });
}

at::Tensor encodeMomentsTiled(const VaeModel& model, const at::Tensor& image, const TiledVaeOptions& options,
                              const CancelToken* cancel, const ProgressSink* progress)
{
    model.checkImage(image);
    return model.runWithOverflowFallback(
        [&](const VaeModel& m) { return encodePass(m, image, options, cancel, progress); });
}

at::Tensor encodeTiled(const VaeModel& model, const at::Tensor& image, const TiledVaeOptions& options,
                       const CancelToken* cancel, const ProgressSink* progress)
{
    return encodeMomentsTiled(model, image, options, cancel, progress).narrow(1, 0, model.config().latentChannels);
}

} // namespace tessera::sd

#include "pipeline/upscale_plan.h"

#include "common/error.h"
#include "pipeline/upscale_tile_model.h"

#include <algorithm>

namespace tessera {

namespace {

int bytesPerElement(Precision precision)
{
    return precision == Precision::Fp32 ? 4 : 2;
}

} // namespace

int64_t estimateBytesPerPixel(const ModelInfo& model, Precision precision, int outputScale)
{
    // Two feature maps alive at the model's input resolution and two after
    // the upsampling (real networks keep features at x2 and x4), plus the
    // float32 input tile and output tile that the runner holds.
    const int64_t features = model.featureChannels > 0 ? model.featureChannels : 64;
    const int64_t scale = std::max(1, std::max(model.scale, outputScale));
    const int64_t activations = features * (2 + 2 * scale * scale) * bytesPerElement(precision);
    const int64_t tiles = 4 * (int64_t(model.inChannels) + int64_t(model.outChannels) * scale * scale);
    return activations + tiles;
}

TileModel describeTileModel(const ModelInfo& model, const UpscaleSettings& settings)
{
    TileModel tile;
    const int outputScale = settings.outputScale > 0 ? settings.outputScale : model.scale;
    tile.scale = outputScale;
    tile.inputMultiple = std::max(1, model.inputMultiple);
    tile.inChannels = model.inChannels;
    tile.outChannels = model.outChannels;
    // An output scale other than the model's resizes each tile's output with
    // bicubic, which reaches two input pixels further.
    tile.receptiveRadius = model.receptiveRadius >= 0 && outputScale != model.scale ? model.receptiveRadius + 2
                                                                                     : model.receptiveRadius;
    // The CPU runs fp32 whatever was asked (its half kernels are slow or missing).
    const Precision precision = settings.device.kind == DeviceKind::Cpu ? Precision::Fp32 : settings.precision;
    tile.bytesPerPixel = estimateBytesPerPixel(model, precision, outputScale);
    tile.device = settings.device;
    tile.precision = Precision::Fp32; // tiles travel as float32; the model casts on the device
    return tile;
}

TiledOptions tiledOptionsFor(const UpscaleSettings& settings)
{
    TiledOptions options;
    options.tileSize = settings.tileSize;
    options.overlap = settings.overlap;
    options.halo = settings.halo;
    options.ramp = settings.blend;
    options.batch = settings.batch;
    options.alpha = settings.alpha;
    return options;
}

UpscalePlan planUpscale(const ModelInfo& model, const UpscaleSettings& settings, int width, int height)
{
    if (settings.outputScale < 0)
        throw Error(ErrorCode::InvalidArgument, "the output scale must be at least 1");
    UpscalePlan plan;
    plan.model = model;
    const TileModel tile = describeTileModel(model, settings);
    plan.outputScale = tile.scale.num;
    plan.bytesPerPixel = tile.bytesPerPixel;
    plan.tiles = TilePlan(width, height, resolveTileSettings(tile, tiledOptionsFor(settings), width, height, &plan.notes));
    plan.bytesPerTile = int64_t(plan.tiles.paddedWidth()) * plan.tiles.paddedHeight() * plan.bytesPerPixel;
    return plan;
}

UpscaleSettings resolvedSettings(const UpscaleSettings& settings, const UpscalePlan& plan)
{
    UpscaleSettings resolved = settings;
    resolved.tileSize = plan.tiles.settings().tileSize;
    resolved.overlap = plan.tiles.settings().overlap;
    resolved.halo = plan.tiles.settings().halo;
    return resolved;
}

double estimateSeconds(const UpscalePlan& plan, double secondsPerPixel)
{
    const double padded = double(plan.tiles.paddedWidth()) * plan.tiles.paddedHeight();
    return secondsPerPixel * padded * plan.tiles.tileCount();
}

} // namespace tessera

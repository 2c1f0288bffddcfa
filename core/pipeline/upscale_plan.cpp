#include "pipeline/upscale_plan.h"

#include "common/error.h"
#include "common/torch_compat.h"
#include "pipeline/upscale_tile_model.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <string>

#if defined(__unix__)
#endif

namespace tessera {

namespace {

int bytesPerElement(Precision precision)
{
    return precision == Precision::Fp32 ? 4 : 2;
}

std::string gigabytes(int64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GB", double(bytes) / double(int64_t(1) << 30));
    return text;
}

/// Refuses a halo beyond the image: reflect padding would only repeat it.
void checkHalo(const UpscaleSettings& settings, int width, int height)
{
    const int largest = std::max(width, height);
    if (settings.halo > largest)
        throw Error(ErrorCode::InvalidArgument, "halo " + std::to_string(settings.halo) + " is larger than the image ("
                                                    + std::to_string(width) + " x " + std::to_string(height)
                                                    + "): use at most " + std::to_string(largest));
}

/// Refuses an output whose side no image file or tile coordinate can hold
/// (2^31 - 1, PNG's and TIFF's limit and our int's), before any plan.
void checkOutputSide(int scale, int width, int height)
{
    const int64_t outputWidth = int64_t(width) * scale, outputHeight = int64_t(height) * scale;
    if (std::max(outputWidth, outputHeight) > INT_MAX)
        throw Error(ErrorCode::InvalidArgument, "x" + std::to_string(scale) + " makes a " + std::to_string(outputWidth)
                                                    + " x " + std::to_string(outputHeight)
                                                    + " output; an image side can be at most "
                                                    + std::to_string(INT_MAX) + " pixels");
}

/// Refuses a plan whose streamed run cannot fit in the device's memory at
/// all: the open output rows of one tile row (weighted sums of up to four
/// channels and their weights, float32) plus one batch of tiles.
void checkRunFits(const UpscalePlan& plan, const UpscaleSettings& settings)
{
    // All the memory the run's buffers could ever have (the GPU's, or the RAM):
    // free memory changes; a plan over the total is impossible, not merely tight.
    const int64_t total = deviceMemory(settings.device).totalBytes;
    if (total <= 0)
        return;
    const TilePlan& tiles = plan.tiles;
    const int64_t bandBytes = int64_t(tiles.outputWidth()) * tiles.settings().scale.toOutput(tiles.tileHeight())
                              * (std::max(plan.model.outChannels, 3) + 2) * 4;
    const int64_t needed = bandBytes + plan.bytesPerTile * std::max(1, settings.batch);
    if (needed <= total)
        return;
    throw Error(ErrorCode::InvalidArgument,
                "x" + std::to_string(plan.outputScale) + " makes a " + std::to_string(tiles.outputWidth()) + " x "
                    + std::to_string(tiles.outputHeight()) + " output whose run needs " + gigabytes(needed)
                    + " of memory for one row of tiles, more than the " + gigabytes(total) + " "
                    + (settings.device.kind == DeviceKind::Cuda ? "of " + deviceName(settings.device)
                                                                 : std::string("of RAM"))
                    + " here: use a smaller scale or tile size");
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

std::vector<DeviceSpec> devicesOf(const UpscaleSettings& settings)
{
    std::vector<DeviceSpec> devices{settings.device};
    devices.insert(devices.end(), settings.moreDevices.begin(), settings.moreDevices.end());
    return devices;
}

void setDevices(UpscaleSettings& settings, const std::vector<DeviceSpec>& devices)
{
    settings.device = devices.empty() ? DeviceSpec{} : devices.front();
    settings.moreDevices.assign(devices.empty() ? devices.end() : devices.begin() + 1, devices.end());
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
    options.devices = 1 + int(settings.moreDevices.size());
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
    checkOutputSide(plan.outputScale, width, height);
    checkHalo(settings, width, height);
    plan.tiles = TilePlan(width, height, resolveTileSettings(tile, tiledOptionsFor(settings), width, height, &plan.notes));
    plan.bytesPerTile = int64_t(plan.tiles.paddedWidth()) * plan.tiles.paddedHeight() * plan.bytesPerPixel;
    checkRunFits(plan, settings);
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

#pragma once
/// What an upscale will do, decided before it runs: the typed settings a
/// person (CLI flags, the GUI panel, the bench) chooses, and the plan they
/// make for one image and one model: the exact TilePlan the run uses (auto
/// tile size resolved, the model's input multiple included), with memory and
/// time estimates. No LibTorch here, so the GUI's overlay draws from the very
/// function the run uses.

#include "common/device.h"
#include "models/model_info.h"
#include "tiling/alpha_mode.h"
#include "tiling/blend.h"
#include "tiling/tile_plan.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

/// Everything that decides an upscale's output and speed.
struct UpscaleSettings {
    std::string modelPath;
    DeviceSpec device;
    /// Further CUDA devices that take tiles too, each with its own copy of
    /// the weights (`--device cuda:0,1`); the output is the same image.
    std::vector<DeviceSpec> moreDevices;
    Precision precision = Precision::Fp32;
    int tileSize = 0;   ///< S; 0: automatic (one tile when the whole image fits in memory)
    int overlap = -1;   ///< O; -1: 10% of S
    int halo = -1;      ///< P; -1: 32, or the model's receptive radius when smaller
    BlendRamp blend = BlendRamp::Smoothstep;
    int outputScale = 0; ///< 0: the model's own scale
    int batch = 1;       ///< tiles per forward call
    AlphaMode alpha = AlphaMode::Resize;

    bool operator==(const UpscaleSettings&) const = default;
};

/// settings.device, then settings.moreDevices (what devicesName writes).
std::vector<DeviceSpec> devicesOf(const UpscaleSettings& settings);
/// settings.device = devices[0], settings.moreDevices = the rest (what parseDevices reads).
void setDevices(UpscaleSettings& settings, const std::vector<DeviceSpec>& devices);

/// The plan of one upscale.
struct UpscalePlan {
    TilePlan tiles;            ///< the exact plan the run works through
    ModelInfo model;           ///< the model it was made for
    int outputScale = 1;       ///< output pixels per input pixel
    int64_t bytesPerPixel = 0; ///< estimated working memory per padded input pixel
    int64_t bytesPerTile = 0;  ///< estimated working memory of one padded tile (one batch item)
    std::vector<std::string> notes; ///< why the tile size is what it is ("auto tile size ...")
};

/// Estimated peak working memory of the model per input pixel at `precision`
/// (activations of the widest feature maps before and after upsampling, plus
/// the float32 tile in and out). An estimate: the CUDA run splits tiles that
/// still do not fit.
int64_t estimateBytesPerPixel(const ModelInfo& model, Precision precision, int outputScale);

/// The plan of upscaling a width x height image with `model` and `settings`.
/// With settings.tileSize 0 the tile size comes from the free memory of the
/// settings' device (RAM on the CPU): the whole image as one tile when it fits.
/// Throws Error(InvalidArgument) for impossible settings.
UpscalePlan planUpscale(const ModelInfo& model, const UpscaleSettings& settings, int width, int height);

/// `settings` with the tile size, overlap and halo the plan resolved, so a
/// later run with them makes exactly `plan` (the GUI plans, draws, then runs).
UpscaleSettings resolvedSettings(const UpscaleSettings& settings, const UpscalePlan& plan);

/// Seconds the whole plan will take, from a measured cost of `secondsPerPixel`
/// per padded input pixel (a preview measures it; these networks cost in
/// proportion to the pixels they see).
double estimateSeconds(const UpscalePlan& plan, double secondsPerPixel);

} // namespace tessera

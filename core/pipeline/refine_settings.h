#pragma once
/// What a refinement runs (refine_job.h runs it): the mode and the settings
/// of the pass and the tiles. Torch-free, so the app's panels hold them.

#include "common/device.h"
#include "diffusion/unet/hypertile_options.h"
#include "tiling/blend.h"

#include <cstdint>
#include <optional>
#include <string>

namespace tessera {

enum class RefineMode {
    Blend, ///< per-step blending of latent tiles (seamless)
    Tiles, ///< each latent tile resampled alone, then stitched
    Pixel, ///< pixel tiles, each through the VAE and the sampler alone
};

/// "blend", "tiles", "pixel".
const char* refineModeName(RefineMode mode);
/// Parses a refineModeName(); throws Error(InvalidArgument) naming the modes.
RefineMode parseRefineMode(const std::string& text);

struct RefineSettings {
    std::string checkpoint;     ///< single file or diffusers folder
    std::string refinerCheckpoint; ///< empty: the checkpoint alone refines
    /// The step of the schedule where the refiner takes over; -1: 80% of the
    /// steps (int(0.8 * steps), SDXL's usual switch).
    int refinerStartStep = -1;
    std::string vaePath;        ///< empty: the checkpoint's VAE
    std::string vocabularyPath; ///< empty: searched
    std::string prompt;
    std::string negativePrompt;
    int clipSkip = 1;
    double aestheticScore = 6.0;         ///< SDXL refiner checkpoints
    double negativeAestheticScore = 2.5;
    uint64_t seed = 0;
    // The pass (MikeyLatentTileSampler's defaults).
    std::string sampler = "dpmpp_2m_sde_gpu";
    std::string scheduler = "karras";
    int steps = 30;
    double cfg = 5.0;
    double denoise = 0.25; ///< 0..1: the last steps * denoise steps run
    // The tiles, in image pixels.
    RefineMode mode = RefineMode::Blend;
    int tileSize = 1024; ///< 64..8192, rounded up to a multiple of 8
    int overlap = -1;    ///< pixels neighbours share; -1: a quarter of the tile
    int halo = 0;        ///< context pixels around each tile (cropped after)
    int batch = 0;       ///< blend: tiles per UNet call; 0: 4 on CUDA, 1 on the CPU
    BlendRamp ramp = BlendRamp::Gaussian;
    std::optional<sd::HyperTileOptions> hyperTile; ///< seeded with `seed`
    bool cudaGraphs = true; ///< as GenerationSettings::cudaGraphs
    DeviceSpec device;
    Precision precision = Precision::Fp16;
};

} // namespace tessera

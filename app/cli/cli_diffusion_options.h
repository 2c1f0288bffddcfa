#pragma once
/// The options generate, img2img, refine and workflow share: the checkpoints,
/// the prompts, the seed, one sampler pass as given (each command has its own
/// defaults), HyperTile, the text encoder and where it runs. Parsed once here.

#include "cli/commands.h"

#include "common/device.h"
#include "diffusion/unet/hypertile.h"
#include "pipeline/refine_job.h"
#include "pipeline/sampling_job.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace tessera::cli {

/// A sampler pass's options as the command line gave them (unset: the command's default).
struct PassOptions {
    std::optional<std::string> sampler, scheduler;
    std::optional<int> steps;
    std::optional<double> cfg, denoise;
};

struct DiffusionOptions {
    std::string checkpoint;
    std::string refinerCheckpoint;
    std::string vaePath;
    std::string vocabularyPath;
    std::string prompt;
    std::string negativePrompt;
    int clipSkip = 1;
    uint64_t seed = 0;
    double aestheticScore = 6.0;
    double negativeAestheticScore = 2.5;
    std::optional<sd::HyperTileOptions> hyperTile;
    bool cudaGraphs = true;
    DeviceSpec device;
    Precision precision = Precision::Fp16;
    int bits = 8; ///< of the written images
    PassOptions pass;
};

/// The tiles of a refinement as the command line gave them.
struct RefineTileOptions {
    std::optional<RefineMode> mode;
    std::optional<int> tileSize, overlap, halo, batch;
};

/// Consumes --mode, --tile, --overlap, --halo and --batch; false for any other argument.
bool takeRefineTileOption(const std::string& arg, const std::function<std::string()>& value, RefineTileOptions& options);

/// `settings` with the tile options that were given put over it.
void applyRefineTileOptions(const RefineTileOptions& options, RefineSettings& settings);

/// The prompts, seed, checkpoint, VAE, HyperTile, device and precision
/// copied into a refinement's settings (the refiner, when given, refines the
/// last steps of every tile).
void applyDiffusionOptions(const DiffusionOptions& options, RefineSettings& settings);

/// The help lines of the refinement's tile options.
std::string refineTileOptionsHelp();

/// Consumes `arg` (and its value through `value`) when it is a shared option;
/// false for any other argument. Throws UsageError for bad values.
bool takeDiffusionOption(const std::string& arg, const std::function<std::string()>& value, DiffusionOptions& options);

/// Resolves model names in the models folder (resolveModelPath) for every checkpoint given.
void resolveDiffusionModels(DiffusionOptions& options);

/// The prompts, seed, checkpoints, HyperTile, device and precision copied into `settings`.
void applyDiffusionOptions(const DiffusionOptions& options, GenerationSettings& settings);

/// A refinement's pass with the options that were given put over it.
void applyPassOptions(const PassOptions& options, RefineSettings& settings);

/// `pass` with the options that were given put over it.
SamplingPass withPassOptions(SamplingPass pass, const PassOptions& options);

/// The help lines of the shared options (after each command's own).
std::string diffusionOptionsHelp();

/// The sampler and scheduler names, for the end of a command's help.
std::string samplerAndSchedulerNames();

} // namespace tessera::cli

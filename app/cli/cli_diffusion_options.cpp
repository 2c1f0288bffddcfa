#include "cli/cli_diffusion_options.h"

#include "cli/cli_support.h"

#include "common/error.h"
#include "diffusion/samplers/sampler_registry.h"
#include "diffusion/sampling/schedulers.h"

namespace tessera::cli {
namespace {

std::string joined(const std::vector<std::string>& names)
{
    std::string text;
    for (const std::string& name : names)
        text += (text.empty() ? "" : " ") + name;
    return text;
}

/// What GenerationSettings and RefineSettings share, under the same names.
template <class Settings>
void copyCommonOptions(const DiffusionOptions& o, Settings& s)
{
    s.checkpoint = o.checkpoint;
    s.refinerCheckpoint = o.refinerCheckpoint;
    s.vaePath = o.vaePath;
    s.vocabularyPath = o.vocabularyPath;
    s.prompt = o.prompt;
    s.negativePrompt = o.negativePrompt;
    s.clipSkip = o.clipSkip;
    s.seed = o.seed;
    s.aestheticScore = o.aestheticScore;
    s.negativeAestheticScore = o.negativeAestheticScore;
    s.hyperTile = o.hyperTile;
    s.cudaGraphs = o.cudaGraphs;
    s.device = o.device;
    s.precision = o.precision;
}

/// The pass options given put over a SamplingPass or RefineSettings (same names).
template <class Pass>
void putPassOptions(const PassOptions& o, Pass& p)
{
    if (o.sampler) p.sampler = *o.sampler;
    if (o.scheduler) p.scheduler = *o.scheduler;
    if (o.steps) p.steps = *o.steps;
    if (o.cfg) p.cfg = *o.cfg;
    if (o.denoise) p.denoise = *o.denoise;
}

} // namespace

bool takeDiffusionOption(const std::string& arg, const std::function<std::string()>& value, DiffusionOptions& o)
{
    // Any --hypertile* option turns HyperTile on with the other values at their defaults.
    auto hyperTile = [&]() -> sd::HyperTileOptions& {
        if (!o.hyperTile)
            o.hyperTile = sd::HyperTileOptions{};
        return *o.hyperTile;
    };
    if (arg == "-m" || arg == "--model") o.checkpoint = value();
    else if (arg == "--refiner") o.refinerCheckpoint = value();
    else if (arg == "--prompt") o.prompt = value();
    else if (arg == "--negative") o.negativePrompt = value();
    else if (arg == "--seed") o.seed = parseUnsigned(arg, value());
    else if (arg == "--steps") o.pass.steps = parseInt(arg, value(), 1);
    else if (arg == "--cfg") o.pass.cfg = parseDouble(arg, value(), 0.0, 100.0);
    else if (arg == "--sampler") o.pass.sampler = value();
    else if (arg == "--scheduler") o.pass.scheduler = value();
    else if (arg == "--denoise") o.pass.denoise = parseDouble(arg, value(), 0.0, 1.0);
    else if (arg == "--ascore") o.aestheticScore = parseDouble(arg, value(), 0.0, 10.0);
    else if (arg == "--negative-ascore") o.negativeAestheticScore = parseDouble(arg, value(), 0.0, 10.0);
    else if (arg == "--hypertile") hyperTile();
    else if (arg == "--hypertile-tile-size") hyperTile().tileSize = parseInt(arg, value(), 1);
    else if (arg == "--hypertile-swap-size") hyperTile().swapSize = parseInt(arg, value(), 1);
    else if (arg == "--hypertile-max-depth") hyperTile().maxDepth = parseInt(arg, value(), 0);
    else if (arg == "--hypertile-scale-depth") hyperTile().scaleDepth = true;
    else if (arg == "--hypertile-vae") hyperTile().vae = true;
    else if (arg == "--no-cuda-graphs") o.cudaGraphs = false;
    else if (arg == "--vae") o.vaePath = value();
    else if (arg == "--clip-skip") o.clipSkip = parseInt(arg, value(), 1);
    else if (arg == "--vocab") o.vocabularyPath = value();
    else if (arg == "--device") o.device = parseDevice(value());
    else if (arg == "--precision") o.precision = parsePrecision(value());
    else if (arg == "--bits") {
        o.bits = parseInt(arg, value(), 8);
        if (o.bits != 8 && o.bits != 16 && o.bits != 32)
            throw UsageError{"--bits must be 8, 16 or 32"};
    } else
        return false;
    return true;
}

bool takeRefineTileOption(const std::string& arg, const std::function<std::string()>& value, RefineTileOptions& o)
{
    if (arg == "--mode") o.mode = parseRefineMode(value());
    else if (arg == "--tile") o.tileSize = parseInt(arg, value(), 64);
    else if (arg == "--overlap") o.overlap = parseInt(arg, value(), 0);
    else if (arg == "--halo") o.halo = parseInt(arg, value(), 0);
    else if (arg == "--batch") o.batch = parseInt(arg, value(), 1);
    else
        return false;
    return true;
}

void applyRefineTileOptions(const RefineTileOptions& o, RefineSettings& s)
{
    if (o.mode) s.mode = *o.mode;
    if (o.tileSize) s.tileSize = *o.tileSize;
    if (o.overlap) s.overlap = *o.overlap;
    if (o.halo) s.halo = *o.halo;
    if (o.batch) s.batch = *o.batch;
}

void applyDiffusionOptions(const DiffusionOptions& options, RefineSettings& settings)
{
    copyCommonOptions(options, settings);
}

std::string refineTileOptionsHelp()
{
    return R"(  --mode M              blend (default): every step denoises all latent tiles and blends
                        them before the step, seamless; tiles: each latent tile resampled
                        alone, then stitched (MikeyLatentTileSampler); pixel: pixel tiles,
                        each through the VAE and the sampler alone
  --tile S              tile size in pixels, 64..8192 (default 1024)
  --overlap O           pixels neighbouring tiles share and blend (default a quarter of S)
  --halo P              context pixels around each tile, cropped after (default 0)
  --batch N             blend: tiles per UNet call (default 4 on CUDA, 1 on the CPU)
)";
}

void resolveDiffusionModels(DiffusionOptions& options)
{
    options.checkpoint = resolveModelPath(options.checkpoint);
    options.refinerCheckpoint = resolveModelPath(options.refinerCheckpoint);
    options.vaePath = resolveModelPath(options.vaePath);
}

void applyDiffusionOptions(const DiffusionOptions& options, GenerationSettings& settings)
{
    copyCommonOptions(options, settings);
}

void applyPassOptions(const PassOptions& options, RefineSettings& settings)
{
    putPassOptions(options, settings);
}

SamplingPass withPassOptions(SamplingPass pass, const PassOptions& options)
{
    putPassOptions(options, pass);
    return pass;
}

std::string diffusionOptionsHelp()
{
    return R"(  --hypertile           HyperTile: self-attention within tiles at the full-resolution
                        levels (faster on large images; seeded by --seed)
  --hypertile-tile-size S   its tile size in pixels, 1..2048 (default 256)
  --hypertile-swap-size N   tilings to pick from, 1..128 (default 2)
  --hypertile-max-depth D   deepest UNet level tiled, 0..10 (default 0; SDXL needs 1 or more)
  --hypertile-scale-depth   deeper levels use 2^level larger tiles
  --hypertile-vae       the VAE's mid-block attention too (off by default, as in ComfyUI)
  --no-cuda-graphs      every UNet step eagerly (default on CUDA without HyperTile: each
                        step replayed from a CUDA graph captured once per latent shape)
  --ascore X --negative-ascore X   SDXL refiner aesthetic scores (default 6 and 2.5)
  --vae FILE            a VAE that replaces the checkpoint's
  --clip-skip N         SD 1.x: 1 the last CLIP layer, 2 the penultimate (default 1)
  --vocab DIR|FILE      the CLIP vocabulary (default: searched beside the checkpoint, in
                        $TESSERA_CLIP_VOCAB, the Hugging Face cache and ComfyUI)
  --device D            cpu | cuda | cuda:N (default cpu)
  --precision P         fp16 | bf16 | fp32 on CUDA (default fp16; the CPU runs fp32)
  --bits 8|16|32        bits per sample of the written images (default 8)
)";
}

std::string samplerAndSchedulerNames()
{
    return "\nSamplers:   " + joined(sd::samplerNames()) + "\nSchedulers: " + joined(sd::schedulerNames()) + "\n";
}

} // namespace tessera::cli

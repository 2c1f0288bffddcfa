#pragma once
/// Stable Diffusion checkpoints: which family a file belongs to (SD 1.x, SDXL
/// base, SDXL refiner, a standalone VAE) and which components it holds (UNet,
/// VAE, CLIP-L, OpenCLIP bigG), learned from key names; every
/// hyper-parameter from tensor shapes. Nothing is read but the store's index,
/// so real files and tiny test files with the same key structure go through
/// the same code, and describing a 7 GB file costs its header.
///
/// Single-file layouts (CompVis / Stability "original" names):
///   model.diffusion_model.*                       UNet (ldm / sgm UNetModel)
///   first_stage_model.*                           VAE (or no prefix: a standalone VAE file)
///   cond_stage_model.transformer.text_model.*     SD 1.x CLIP ViT-L/14 (Hugging Face names)
///   conditioner.embedders.0.transformer.*         SDXL base CLIP ViT-L/14
///   conditioner.embedders.1.model.*               SDXL base OpenCLIP ViT-bigG/14 (open_clip names)
///   conditioner.embedders.0.model.*               SDXL refiner OpenCLIP ViT-bigG/14

#include "diffusion/text/clip_text.h"
#include "diffusion/unet/unet_config.h"
#include "diffusion/vae/vae_config.h"
#include "models/load_weights.h"
#include "models/loaders/weight_store.h"

#include <optional>
#include <string>
#include <vector>

namespace tessera::sd {

enum class ModelFamily {
    Sd1,         ///< SD 1.x: CLIP-L last layer (768), no ADM; VAE scale 0.18215
    SdxlBase,    ///< SDXL base: CLIP-L + bigG penultimate (2048), ADM 2816 with sizes; VAE scale 0.13025
    SdxlRefiner, ///< SDXL refiner: bigG penultimate (1280), ADM 2560 with aesthetic score; VAE scale 0.13025
    VaeOnly,     ///< a standalone VAE file (swapped in for a checkpoint's own)
};

/// "SD 1.x", "SDXL base", "SDXL refiner", "VAE".
const char* familyName(ModelFamily family);

/// The latent scaling factor of the family's VAE (0.18215 SD 1.x, 0.13025 SDXL).
double vaeScalingFactor(ModelFamily family);

/// One network inside a checkpoint: where its keys start and its shape.
template <typename Config>
struct Component {
    std::string prefix; ///< "model.diffusion_model.", "first_stage_model.", ...
    Config config;
    int64_t parameterCount = 0;
};

struct CheckpointLayout {
    ModelFamily family = ModelFamily::Sd1;
    std::optional<Component<UNetConfig>> unet;
    std::optional<Component<VaeConfig>> vae;
    std::optional<Component<ClipTextConfig>> clipL; ///< OpenAI ViT-L/14
    std::optional<Component<ClipTextConfig>> clipG; ///< OpenCLIP ViT-bigG/14
    /// Keys real files carry that no network uses (position_ids, the DDPM
    /// schedule buffers, model_ema.*, logit_scale): skipped by name.
    std::vector<std::string> ignoredKeys;
    /// Keys outside every component and not ignored by name: reported.
    std::vector<std::string> unknownKeys;

    /// Parameters of all components (ignored and unknown keys not counted).
    int64_t parameterCount() const;
    /// "UNet 859.5M, VAE 83.7M, CLIP-L 123.1M; context 768" (the registry's details).
    std::string describe() const;
};

/// True for keys real files carry that no network uses: CLIP's position_ids
/// and logit_scale, the DDPM schedule buffers (alphas_cumprod, ...),
/// model_ema.*, a VAE's training loss.*.
bool isIgnoredCheckpointKey(const std::string& key);

/// loadWeights() for one component of a checkpoint: unused keys that
/// isIgnoredCheckpointKey() names (logit_scale, position_ids, ...) do not
/// count, and Strict throws Error(UnsupportedModel) naming the file and
/// `what` on the rest. Other modes return the report.
WeightReport loadComponentWeights(torch::nn::Module& module, const WeightStore& store, const std::string& prefix,
                                  LoadMode mode, const std::string& what);

/// True when the key names look like a diffusion checkpoint or a VAE
/// (cheap: a few lookups), so the model registry knows which detector to ask.
bool isDiffusionCheckpoint(const WeightStore& store);

/// Reads the family, components and every hyper-parameter from `store`'s
/// index. Throws Error(UnsupportedModel) naming the file and the key when
/// the layout is not one of the families above (SD 2.x, an inpainting UNet,
/// a UNet without text encoders whose family the shapes do not tell) or a
/// component is incomplete.
CheckpointLayout inspectCheckpoint(const WeightStore& store);

} // namespace tessera::sd

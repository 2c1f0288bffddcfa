#pragma once
/// The model registry: finds model files in a folder tree and describes each
/// one (upscale architecture and scale, or diffusion family and components,
/// size) from its headers alone: the safetensors
/// header or the .pth pickle and zip directory, the ncnn .param text. No
/// tensor data is read and no network is built, so a folder of multi-GB
/// checkpoints scans in little memory. A file that cannot be described is
/// listed with a one-line error. Torch-free: the UI includes this.

#include "models/model_info.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tessera {

/// What a model file is for.
enum class ModelKind {
    Unknown,   ///< could not be described (see error)
    Upscale,   ///< an image-to-image upscale network
    Diffusion, ///< a Stable Diffusion checkpoint (SD 1.x, SDXL base, SDXL refiner)
    Vae,       ///< a standalone VAE that replaces a checkpoint's own
};

struct ModelEntry {
    std::string name;          ///< path relative to the scanned folder
    std::string path;          ///< full path
    ModelKind kind = ModelKind::Unknown;
    /// "ESRGAN", "ncnn", ... for upscale models; the family ("SD 1.x",
    /// "SDXL base", "SDXL refiner", "VAE") for diffusion files; empty when unknown.
    std::string architecture;
    int scale = 0;             ///< 0 when unknown
    int64_t parameterCount = 0;
    int64_t fileSize = 0;      ///< bytes (for ncnn: .param plus .bin)
    std::string details;       ///< hyper-parameters text; for diffusion files the components ("UNet 2567.5M, VAE 83.7M, ...")
    std::string error;         ///< why the file could not be described (one line); empty when fine
    /// What detection learned (tile multiple, receptive radius, channels,
    /// feature channels, fp16 safety); absent when the file could not be
    /// described. For ncnn graphs described from their .param text, only scale,
    /// channels, feature channels and the parameter count are known.
    std::optional<ModelInfo> info;
};

/// True for the extensions the registry lists: .pth .pt .ckpt .safetensors .param.
bool isModelFileName(const std::string& fileName);

/// Describes one model file, or a diffusers pipeline folder (diffusion/diffusers_folder.h);
/// never throws for a bad file (fills `error`).
ModelEntry describeModelFile(const std::string& path);

/// Scans `folder` recursively and describes every model file, sorted by name;
/// a diffusers pipeline folder is one entry (its component files are not listed).
/// Throws Error(Io) when `folder` is not a readable directory.
std::vector<ModelEntry> scanModels(const std::string& folder);

/// The default models folder: $TESSERA_MODELS, else ~/.local/share/tessera/models.
std::string defaultModelsFolder();

} // namespace tessera

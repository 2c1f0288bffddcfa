#pragma once
/// The model registry: finds model files in a folder tree and describes each
/// one (architecture, scale, size) from its headers and state dict, without
/// building networks. A file that cannot be read is listed with its error.

#include "models/model_info.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

struct ModelEntry {
    std::string name;          ///< path relative to the scanned folder
    std::string path;          ///< full path
    std::string architecture;  ///< "ESRGAN", "ncnn", ...; empty when unknown
    int scale = 0;             ///< 0 when unknown
    int64_t parameterCount = 0;
    int64_t fileSize = 0;      ///< bytes (for ncnn: .param plus .bin)
    std::string details;       ///< hyper-parameters text
    std::string error;         ///< why the file could not be described; empty when fine
    ModelInfo info;            ///< what detection learned from the headers, when it could
};

/// True for the extensions the registry lists: .pth .pt .ckpt .safetensors .param.
bool isModelFileName(const std::string& fileName);

/// Describes one model file; never throws for a bad file (fills `error`).
ModelEntry describeModelFile(const std::string& path);

/// Scans `folder` recursively and describes every model file, sorted by name.
/// Throws Error(Io) when `folder` is not a readable directory.
std::vector<ModelEntry> scanModels(const std::string& folder);

/// The default models folder: $TESSERA_MODELS, else ~/.local/share/tessera/models.
std::string defaultModelsFolder();

} // namespace tessera

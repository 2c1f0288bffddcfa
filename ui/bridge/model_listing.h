#pragma once
/// A scanned file as the Models panel lists it (Qt values, no LibTorch):
/// what the registry learned from its headers, for upscale models, diffusion
/// checkpoints, standalone VAEs and files that cannot be used alike.

#include "pipeline/model_registry.h"

#include <QString>

namespace tessera {

struct ModelListing {
    QString name;          ///< path relative to the scanned folder
    QString path;          ///< full path
    ModelKind kind = ModelKind::Unknown;
    /// The upscale architecture ("ESRGAN", "ncnn", ...) or the diffusion
    /// family ("SD 1.x", "SDXL base", "SDXL refiner", "VAE"); empty when unknown.
    QString architecture;
    int scale = 0;         ///< upscale factor; 0 when unknown or not an upscale model
    /// Diffusion files: the components ("UNet 859.5M, VAE 83.7M, CLIP-L 123.1M; context 768");
    /// upscale models: the hyper-parameters.
    QString details;
    qint64 parameterCount = 0;
    qint64 fileSize = 0;   ///< bytes
    QString error;         ///< why the file cannot be used (one line); empty when fine

    /// True when the file was described without an error as a known kind.
    bool usable() const { return error.isEmpty() && kind != ModelKind::Unknown; }
};

} // namespace tessera

#pragma once
/// The networks of one Stable Diffusion checkpoint, built directly on their
/// device in their dtype and filled from the weight store one tensor at a
/// time (DESIGN: nothing holds the whole file in host memory, nothing
/// converts fp16 to fp32 on the way to a GPU).

#include "common/device.h"
#include "diffusion/checkpoint.h"
#include "models/load_weights.h"

#include <memory>

namespace tessera::sd {

class ClipTextModel;
class UNetModel;
class VaeModel;

struct DiffusionLoadOptions {
    DeviceSpec device;
    /// Ignored on the CPU (fp32 there); on CUDA fp16 (default) or bf16.
    Precision precision = Precision::Fp16;
    bool loadUNet = true;
    bool loadVae = true;
    bool loadText = true;
};

struct DiffusionModels {
    CheckpointLayout layout;
    std::shared_ptr<UNetModel> unet;
    std::shared_ptr<VaeModel> vae;
    std::shared_ptr<ClipTextModel> clipL; ///< SD 1.x, SDXL base
    std::shared_ptr<ClipTextModel> clipG; ///< SDXL base, SDXL refiner
};

/// The dtype the networks run in on `options.device`: fp32 on the CPU.
at::ScalarType diffusionDtype(const DiffusionLoadOptions& options);

/// Builds and fills the components `layout` found (those asked for).
/// Throws Error(UnsupportedModel) naming the file and the missing, unused or
/// mismatched keys when a component's weights do not fit its network.
DiffusionModels loadDiffusionModels(const WeightStore& store, const CheckpointLayout& layout,
                                    const DiffusionLoadOptions& options);

/// Builds every component on the meta device (no memory) and pairs its
/// parameters with the store's keys and shapes without reading: the report
/// of everything that would not load, with the keys ignored by name and the
/// layout's unknown keys left out. ok() means every key is consumed.
WeightReport checkDiffusionWeights(const WeightStore& store, const CheckpointLayout& layout);

} // namespace tessera::sd

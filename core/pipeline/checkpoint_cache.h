#pragma once
/// The diffusion checkpoints, VAEs and tokenizer the pipeline's jobs keep
/// loaded between runs: a generation, a refinement and a workflow that
/// chains them share one cache, so a checkpoint is read once and stays while
/// settings change. A new device or precision reloads. Not thread-safe: one
/// cache belongs to the thread that runs its jobs.

#include "common/device.h"
#include "diffusion/checkpoint.h"
#include "diffusion/diffusion_models.h"
#include "diffusion/tokenizer/clip_bpe.h"

#include <list>
#include <memory>
#include <optional>
#include <string>

namespace tessera {

class CheckpointCache {
public:
    /// The networks of `path` (a single file or a diffusers folder): all of
    /// them, or the VAE alone; shared, so a network in use outlives its
    /// eviction. Loads unless loaded; keeps the three most
    /// recently used checkpoints (a base, a refiner and a VAE) and drops those
    /// on another device or precision. Throws Error(Io / InvalidModel /
    /// UnsupportedModel) naming the file.
    sd::DiffusionModels models(const std::string& path, const DeviceSpec& device, Precision precision, bool vaeOnly = false);

    /// The VAE a run decodes with: `vaePath`'s when given, else the checkpoint's
    /// (Error(InvalidModel) naming the checkpoint when it has none).
    std::shared_ptr<sd::VaeModel> vae(const std::string& checkpoint, const std::string& vaePath, const DeviceSpec& device, Precision precision);

    /// The CLIP tokenizer for `checkpoint`: `vocabulary` when given, else
    /// searched (vocab_locator.h). Loaded once per pair.
    const sd::ClipTokenizer& tokenizer(const std::string& checkpoint, const std::string& vocabulary);

private:
    struct Slot {
        std::string path;
        DeviceSpec device;
        Precision precision = Precision::Fp32;
        bool vaeOnly = false;
        sd::DiffusionModels models;
    };
    std::list<Slot> m_slots; ///< most recently used first
    std::string m_vocabularyKey;
    std::optional<sd::ClipTokenizer> m_tokenizer;
};

/// The header-only view of a diffusion checkpoint (what plans need), refusing
/// files that are not Stable Diffusion checkpoints. `role` names it in errors
/// ("base", "refiner").
sd::CheckpointLayout inspectDiffusionCheckpoint(const std::string& path, const char* role);

} // namespace tessera

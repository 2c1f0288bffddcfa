#pragma once
/// Stable Diffusion pipelines saved in the Hugging Face diffusers folder
/// layout, presented as one WeightStore with the single-file (CompVis /
/// Stability "original") key names, so inspectCheckpoint() and
/// loadDiffusionModels() (checkpoint.h, diffusion_models.h) read them as they
/// read a .safetensors checkpoint.
///
/// The folder:
///   model_index.json
///   unet/diffusion_pytorch_model[.fp16].{safetensors,bin}     -> model.diffusion_model.*
///       (or its shards: diffusion_pytorch_model.safetensors.index.json + the files it names)
///   vae/diffusion_pytorch_model[.fp16].{safetensors,bin}      -> first_stage_model.*
///   text_encoder/model[.fp16].safetensors (or pytorch_model.bin): Hugging Face CLIPTextModel
///       SD 1.x  -> cond_stage_model.transformer.*
///       SDXL    -> conditioner.embedders.0.transformer.*
///   text_encoder_2/...: CLIPTextModelWithProjection, renamed to open_clip names
///       SDXL base    -> conditioner.embedders.1.model.*
///       SDXL refiner -> conditioner.embedders.0.model.* (its only text encoder)
///   tokenizer/, tokenizer_2/, scheduler/: not read (our tokenizer and schedules are built in)
///
/// The renaming follows the structure the keys show (how many levels, res
/// blocks per level, which levels have attention), so it holds for every
/// UNet and VAE of these families whatever their sizes. Derived tensors (the
/// concatenated q/k/v of open_clip's in_proj, the transposed text
/// projection, the VAE attention's Linear weights as 1x1 convolutions) are
/// made when read, from the component files' own tensors: nothing holds a
/// whole file in memory.

#include "models/loaders/weight_store.h"

#include <memory>
#include <string>

namespace tessera::sd {

/// True when `path` is a folder holding model_index.json, or unet/ and vae/
/// subfolders (a pipeline saved without its index).
bool isDiffusersFolder(const std::string& path);

/// Opens every component file of the diffusers folder `path` and indexes
/// their tensors under the single-file names (above). Throws Error(Io) when
/// `path` is not a folder, Error(InvalidModel) naming the folder and the
/// file it looked for when unet/ or vae/ has no weights file (a folder with
/// model_index.json alone), and what openWeightStore() throws for a
/// component file that cannot be read.
std::unique_ptr<WeightStore> openDiffusersFolder(const std::string& path);

/// A checkpoint as one store: openDiffusersFolder() for a diffusers folder,
/// else openWeightStore() for a single file.
std::unique_ptr<WeightStore> openCheckpointStore(const std::string& path);

} // namespace tessera::sd

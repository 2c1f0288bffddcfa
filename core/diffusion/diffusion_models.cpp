#include "diffusion/diffusion_models.h"

#include "common/error.h"
#include "common/torch_compat.h"
#include "diffusion/text/clip_text.h"
#include "diffusion/unet/unet.h"
#include "diffusion/vae/vae.h"

#include <algorithm>

namespace tessera::sd {
namespace {

/// Loads `module` from its component's keys; unused keys that are ignored by
/// name (logit_scale, position_ids) do not count.
template <typename Config>
WeightReport loadComponent(torch::nn::Module& module, const WeightStore& store, const Component<Config>& component,
                           LoadMode mode, const std::string& what)
{
    WeightReport report = loadWeights(module, store, component.prefix, mode, what);
    auto& unused = report.unused;
    unused.erase(std::remove_if(unused.begin(), unused.end(), isIgnoredCheckpointKey), unused.end());
    return report;
}

void append(WeightReport& all, const WeightReport& part)
{
    all.missing.insert(all.missing.end(), part.missing.begin(), part.missing.end());
    all.unused.insert(all.unused.end(), part.unused.begin(), part.unused.end());
    all.mismatched.insert(all.mismatched.end(), part.mismatched.begin(), part.mismatched.end());
}

void requireFit(const WeightStore& store, const WeightReport& report, const std::string& what)
{
    if (!report.ok())
        throw Error(ErrorCode::UnsupportedModel,
                    store.context() + ": weights do not fit the " + what + ": " + report.message());
}

} // namespace

at::ScalarType diffusionDtype(const DiffusionLoadOptions& options)
{
    return options.device.kind == DeviceKind::Cpu ? at::kFloat : toTorchDtype(options.precision);
}

DiffusionModels loadDiffusionModels(const WeightStore& store, const CheckpointLayout& layout,
                                    const DiffusionLoadOptions& options)
{
    const at::TensorOptions tensorOptions =
        at::TensorOptions().dtype(diffusionDtype(options)).device(toTorchDevice(options.device));
    DiffusionModels models;
    models.layout = layout;
    auto load = [&](auto& module, const auto& component, const std::string& what) {
        requireFit(store, loadComponent(*module, store, component, LoadMode::Report, what), what);
    };
    if (options.loadUNet && layout.unet) {
        models.unet = std::make_shared<UNetModel>(layout.unet->config, tensorOptions);
        load(models.unet, *layout.unet, "UNet");
    }
    if (options.loadVae && layout.vae) {
        models.vae = std::make_shared<VaeModel>(layout.vae->config, tensorOptions);
        load(models.vae, *layout.vae, "VAE");
    }
    if (options.loadText && layout.clipL) {
        models.clipL = std::make_shared<ClipTextModel>(layout.clipL->config, tensorOptions);
        load(models.clipL, *layout.clipL, "CLIP-L text encoder");
    }
    if (options.loadText && layout.clipG) {
        models.clipG = std::make_shared<ClipTextModel>(layout.clipG->config, tensorOptions);
        load(models.clipG, *layout.clipG, "OpenCLIP bigG text encoder");
    }
    return models;
}

WeightReport checkDiffusionWeights(const WeightStore& store, const CheckpointLayout& layout)
{
    const at::TensorOptions meta = at::TensorOptions().dtype(at::kHalf).device(at::kMeta);
    WeightReport all;
    if (layout.unet) {
        UNetModel unet(layout.unet->config, meta);
        append(all, loadComponent(unet, store, *layout.unet, LoadMode::ShapesOnly, "UNet"));
    }
    if (layout.vae) {
        VaeModel vae(layout.vae->config, meta);
        append(all, loadComponent(vae, store, *layout.vae, LoadMode::ShapesOnly, "VAE"));
    }
    for (const auto* clip : {layout.clipL ? &*layout.clipL : nullptr, layout.clipG ? &*layout.clipG : nullptr})
        if (clip) {
            ClipTextModel text(clip->config, meta);
            append(all, loadComponent(text, store, *clip, LoadMode::ShapesOnly, "text encoder"));
        }
    return all;
}

} // namespace tessera::sd

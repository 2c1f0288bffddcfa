#include "diffusion/diffusion_models.h"

#include "common/error.h"
#include "common/torch_compat.h"
#include "diffusion/text/clip_text.h"
#include "diffusion/unet/unet.h"
#include "diffusion/vae/vae.h"


namespace tessera::sd {
namespace {

void append(WeightReport& all, const WeightReport& part)
{
    all.missing.insert(all.missing.end(), part.missing.begin(), part.missing.end());
    all.unused.insert(all.unused.end(), part.unused.begin(), part.unused.end());
    all.mismatched.insert(all.mismatched.end(), part.mismatched.begin(), part.mismatched.end());
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
        loadComponentWeights(*module, store, component.prefix, LoadMode::Strict, what);
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
        append(all, loadComponentWeights(unet, store, layout.unet->prefix, LoadMode::ShapesOnly, "UNet"));
    }
    if (layout.vae) {
        VaeModel vae(layout.vae->config, meta);
        append(all, loadComponentWeights(vae, store, layout.vae->prefix, LoadMode::ShapesOnly, "VAE"));
    }
    for (const auto* clip : {layout.clipL ? &*layout.clipL : nullptr, layout.clipG ? &*layout.clipG : nullptr})
        if (clip) {
            ClipTextModel text(clip->config, meta);
            append(all, loadComponentWeights(text, store, clip->prefix, LoadMode::ShapesOnly, "text encoder"));
        }
    return all;
}

} // namespace tessera::sd

#include "diffusion/checkpoint.h"

#include "common/error.h"
#include "diffusion/vae/vae.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace tessera::sd {
namespace {

constexpr const char* kUNetPrefix = "model.diffusion_model.";
constexpr const char* kVaePrefix = "first_stage_model.";
constexpr const char* kSd1ClipPrefix = "cond_stage_model.transformer.";
constexpr const char* kSdxlClipLPrefix = "conditioner.embedders.0.transformer.";
constexpr const char* kSdxlClipGPrefix = "conditioner.embedders.1.model.";
constexpr const char* kRefinerClipGPrefix = "conditioner.embedders.0.model.";

bool startsWith(const std::string& text, const std::string& prefix)
{
    return text.compare(0, prefix.size(), prefix) == 0;
}

bool endsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

bool isIgnoredCheckpointKey(const std::string& key)
{
    // The DDPM schedule buffers of ldm's LatentDiffusion (top level, no dots):
    // the samplers compute the schedule themselves.
    static const std::array<const char*, 13> kScheduleBuffers = {
        "betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod", "sqrt_one_minus_alphas_cumprod",
        "log_one_minus_alphas_cumprod", "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod",
        "posterior_variance", "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2",
        "logvar"};
    for (const char* name : kScheduleBuffers)
        if (key == name)
            return true;
    return endsWith(key, "position_ids")    // CLIP's constant arange buffer
           || endsWith(key, "logit_scale")  // CLIP's contrastive temperature
           || startsWith(key, "model_ema.") // EMA copies training left in
           || startsWith(key, "loss.")      // a VAE's training discriminator / LPIPS
           || startsWith(key, "first_stage_model.loss.");
}

namespace {

bool hasClipHuggingFace(const WeightStore& store, const std::string& prefix)
{
    return store.contains(prefix + "text_model.embeddings.token_embedding.weight");
}

bool hasClipOpenClip(const WeightStore& store, const std::string& prefix)
{
    return store.contains(prefix + "token_embedding.weight");
}

std::optional<std::string> vaePrefixOf(const WeightStore& store)
{
    for (const std::string& prefix : {std::string(kVaePrefix), std::string()})
        if (store.contains(prefix + "encoder.conv_in.weight") || store.contains(prefix + "decoder.conv_in.weight"))
            return prefix;
    return std::nullopt;
}

int64_t parametersUnder(const WeightStore& store, const std::string& prefix)
{
    int64_t count = 0;
    for (const std::string& key : store.keys())
        if (startsWith(key, prefix) && !isIgnoredCheckpointKey(key))
            count += store.info(key).numel();
    return count;
}

template <typename Config>
Component<Config> component(const WeightStore& store, const std::string& prefix, Config config)
{
    return Component<Config>{prefix, std::move(config), parametersUnder(store, prefix)};
}

std::string millions(int64_t count)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1fM", double(count) / 1e6);
    return text;
}

[[noreturn]] void refuse(const WeightStore& store, const std::string& why)
{
    throw Error(ErrorCode::UnsupportedModel, store.context() + ": " + why);
}

/// SDXL base or refiner from a UNet alone: by its context width (2048 =
/// CLIP-L 768 + bigG 1280, 1280 = bigG), or from the text encoders beside it.
ModelFamily sdxlFamily(const WeightStore& store, const CheckpointLayout& layout)
{
    if (layout.clipL && layout.clipG)
        return ModelFamily::SdxlBase;
    if (layout.clipG)
        return ModelFamily::SdxlRefiner;
    const int64_t context = layout.unet->config.contextDim;
    if (context == 2048)
        return ModelFamily::SdxlBase;
    if (context == 1280)
        return ModelFamily::SdxlRefiner;
    refuse(store, "an SDXL-style UNet (ADM input " + std::to_string(layout.unet->config.admInChannels)
                      + ", context " + std::to_string(context)
                      + ") without text encoders: cannot tell SDXL base from refiner");
}

} // namespace

const char* familyName(ModelFamily family)
{
    switch (family) {
    case ModelFamily::Sd1: return "SD 1.x";
    case ModelFamily::SdxlBase: return "SDXL base";
    case ModelFamily::SdxlRefiner: return "SDXL refiner";
    case ModelFamily::VaeOnly: return "VAE";
    }
    return "?";
}

double vaeScalingFactor(ModelFamily family)
{
    return family == ModelFamily::Sd1 ? kSd1LatentScale : kSdxlLatentScale;
}

int64_t CheckpointLayout::parameterCount() const
{
    return (unet ? unet->parameterCount : 0) + (vae ? vae->parameterCount : 0) + (clipL ? clipL->parameterCount : 0)
           + (clipG ? clipG->parameterCount : 0);
}

std::string CheckpointLayout::describe() const
{
    std::string text;
    auto add = [&](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
    if (unet) {
        add("UNet " + millions(unet->parameterCount));
        if (unet->config.inChannels != 4)
            text += " (" + std::to_string(unet->config.inChannels) + " input channels)";
    }
    if (vae)
        add("VAE " + millions(vae->parameterCount));
    if (clipL)
        add("CLIP-L " + millions(clipL->parameterCount));
    if (clipG)
        add("OpenCLIP bigG " + millions(clipG->parameterCount));
    if (unet)
        text += "; context " + std::to_string(unet->config.contextDim)
                + (unet->config.admInChannels ? ", ADM " + std::to_string(unet->config.admInChannels) : "");
    if (!unknownKeys.empty())
        text += "; " + std::to_string(unknownKeys.size()) + " unknown keys (first: " + unknownKeys.front() + ")";
    return text;
}

WeightReport loadComponentWeights(torch::nn::Module& module, const WeightStore& store, const std::string& prefix,
                                  LoadMode mode, const std::string& what)
{
    // Strict is decided here, after the ignored keys are dropped.
    WeightReport report = loadWeights(module, store, prefix, mode == LoadMode::Strict ? LoadMode::Report : mode, what);
    // (erase-remove, not std::erase_if: the fuzz build compiles this file as C++17)
    report.unused.erase(std::remove_if(report.unused.begin(), report.unused.end(), isIgnoredCheckpointKey),
                        report.unused.end());
    if (mode == LoadMode::Strict && !report.ok())
        throw Error(ErrorCode::UnsupportedModel,
                    store.context() + ": weights do not fit the " + what + ": " + report.message());
    return report;
}

bool isDiffusionCheckpoint(const WeightStore& store)
{
    return store.contains(std::string(kUNetPrefix) + "input_blocks.0.0.weight") || vaePrefixOf(store).has_value()
           || hasClipHuggingFace(store, kSd1ClipPrefix) || hasClipOpenClip(store, kSdxlClipGPrefix)
           || hasClipOpenClip(store, kRefinerClipGPrefix);
}

CheckpointLayout inspectCheckpoint(const WeightStore& store)
{
    CheckpointLayout layout;
    try {
        if (store.contains(std::string(kUNetPrefix) + "input_blocks.0.0.weight"))
            layout.unet = component(store, kUNetPrefix, inferUNetConfig(store, kUNetPrefix));
        if (const std::optional<std::string> prefix = vaePrefixOf(store))
            layout.vae = component(store, *prefix, inferVaeConfig(store, *prefix));
        for (const char* prefix : {kSd1ClipPrefix, kSdxlClipLPrefix})
            if (hasClipHuggingFace(store, prefix))
                layout.clipL = component(store, prefix, inferClipTextConfig(store, prefix, ClipKeyLayout::HuggingFace));
        for (const char* prefix : {kSdxlClipGPrefix, kRefinerClipGPrefix})
            if (hasClipOpenClip(store, prefix))
                layout.clipG = component(store, prefix, inferClipTextConfig(store, prefix, ClipKeyLayout::OpenClip));
    } catch (const Error& e) {
        // The component's own message names the key; say which file it was.
        refuse(store, e.what());
    }

    if (!layout.unet) {
        if (layout.clipL || layout.clipG)
            refuse(store, "holds text encoders but no UNet (model.diffusion_model.*)");
        if (!layout.vae)
            refuse(store, "not a Stable Diffusion checkpoint: no UNet (model.diffusion_model.*), VAE (encoder.*, "
                          "decoder.*) or text encoder keys");
        layout.family = ModelFamily::VaeOnly;
    } else if (layout.unet->config.admInChannels == 0) {
        if (layout.unet->config.linearProjection)
            refuse(store, "an SD 2.x UNet (linear transformer projections, context "
                              + std::to_string(layout.unet->config.contextDim) + "): SD 2.x is not supported");
        if (layout.clipG)
            refuse(store, "an SD 1.x UNet beside an OpenCLIP bigG text encoder");
        layout.family = ModelFamily::Sd1;
    } else {
        layout.family = sdxlFamily(store, layout);
    }

    // Text encoders must feed the UNet's cross-attention: CLIP-L alone (SD
    // 1.x), CLIP-L + bigG side by side (SDXL base) or bigG alone (refiner).
    if (layout.unet && (layout.clipL || layout.clipG)) {
        const int64_t width = (layout.clipL ? layout.clipL->config.width : 0) + (layout.clipG ? layout.clipG->config.width : 0);
        if (width != layout.unet->config.contextDim)
            refuse(store, "the text encoders give " + std::to_string(width) + " channels but the UNet's cross-attention takes "
                              + std::to_string(layout.unet->config.contextDim));
    }

    std::vector<std::string> prefixes;
    for (const std::string* prefix :
         {layout.unet ? &layout.unet->prefix : nullptr, layout.vae ? &layout.vae->prefix : nullptr,
          layout.clipL ? &layout.clipL->prefix : nullptr, layout.clipG ? &layout.clipG->prefix : nullptr})
        if (prefix)
            prefixes.push_back(*prefix);
    for (const std::string& key : store.keys()) {
        if (isIgnoredCheckpointKey(key)) {
            layout.ignoredKeys.push_back(key);
            continue;
        }
        bool known = false;
        for (const std::string& prefix : prefixes)
            known = known || startsWith(key, prefix);
        if (!known)
            layout.unknownKeys.push_back(key);
    }
    return layout;
}

} // namespace tessera::sd

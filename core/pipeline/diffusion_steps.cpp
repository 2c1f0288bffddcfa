#include "pipeline/diffusion_steps.h"

#include "common/error.h"
#include "diffusion/samplers/sampler_registry.h"
#include "diffusion/sampling/noise.h"
#include "diffusion/sampling/step_window.h"
#include "diffusion/text/clip_text.h"
#include "diffusion/text/prompt_encoder.h"
#include "diffusion/unet/adm.h"
#include "diffusion/unet/unet.h"
#include "diffusion/vae/tiled_vae.h"
#include "diffusion/vae/vae.h"

#include <filesystem>
#include <memory>

namespace tessera {

using sd::ModelFamily;

bool isSdxlFamily(ModelFamily family)
{
    return family == ModelFamily::SdxlBase || family == ModelFamily::SdxlRefiner;
}

Conditioning encodePrompts(const sd::DiffusionModels& models, const sd::ClipTokenizer& tokenizer, const PromptText& text,
                           int width, int height)
{
    const ModelFamily family = models.layout.family;
    Conditioning c;
    if (family == ModelFamily::Sd1) {
        c.positive.context = sd::encodeSd1(*models.clipL, tokenizer, text.prompt, text.clipSkip).context;
        c.negative.context = sd::encodeSd1(*models.clipL, tokenizer, text.negativePrompt, text.clipSkip).context;
        return c;
    }
    // SDXL micro-conditioning as ComfyUI fills it by default: original and
    // target size = the latent's size in pixels, no crop.
    if (family == ModelFamily::SdxlBase) {
        sd::SdxlSizeConditioning sizes;
        sizes.originalHeight = sizes.targetHeight = height;
        sizes.originalWidth = sizes.targetWidth = width;
        auto side = [&](const std::string& prompt) {
            const sd::TextConditioning encoded = sd::encodeSdxl(*models.clipL, *models.clipG, tokenizer, prompt);
            return sd::UNetConditioning{encoded.context, sd::sdxlBaseAdm(encoded.pooled, sizes)};
        };
        c.positive = side(text.prompt);
        c.negative = side(text.negativePrompt);
        return c;
    }
    auto side = [&](const std::string& prompt, double aestheticScore) {
        const sd::TextConditioning encoded = sd::encodeSdxlRefiner(*models.clipG, tokenizer, prompt);
        sd::SdxlRefinerConditioning refiner;
        refiner.originalHeight = height;
        refiner.originalWidth = width;
        refiner.aestheticScore = aestheticScore;
        return sd::UNetConditioning{encoded.context, sd::sdxlRefinerAdm(encoded.pooled, refiner)};
    };
    c.positive = side(text.prompt, text.aestheticScore);
    c.negative = side(text.negativePrompt, text.negativeAestheticScore);
    return c;
}

void checkPass(const SamplingPass& pass, const char* role)
{
    auto fail = [&](const std::string& what) {
        throw Error(ErrorCode::InvalidArgument, std::string(role) + " pass: " + what);
    };
    if (pass.steps < 1 || pass.steps > 10000)
        fail("steps must be 1..10000, not " + std::to_string(pass.steps));
    if (!(pass.cfg >= 0.0 && pass.cfg <= 100.0))
        fail("cfg must be 0..100");
    if (!(pass.denoise >= 0.0 && pass.denoise <= 1.0))
        fail("denoise must be 0..1");
    if (pass.startStep < 0 || (pass.endStep && *pass.endStep < 0))
        fail("start and end steps must not be negative");
    sd::checkSamplerName(pass.sampler);
}

at::Tensor passSigmas(const SamplingPass& pass, const sd::DiscreteSchedule& schedule)
{
    sd::checkSamplerName(pass.sampler);
    sd::StepWindow window;
    window.steps = pass.steps;
    window.denoise = pass.denoise;
    window.startStep = pass.startStep;
    window.lastStep = pass.endStep;
    window.forceFullDenoise = !pass.leftoverNoise;
    return sd::stepWindowSigmas(window, pass.scheduler, schedule, sd::discardsPenultimateSigma(pass.sampler));
}

UNetPassPatches::UNetPassPatches(sd::UNetModel& unet, const CancelToken& cancel,
                                 const std::optional<sd::HyperTileOptions>& hyperTile, uint64_t seed, bool cudaGraphs)
    : m_unet(unet)
{
    m_unet.setStageCheck([cancel] { cancel.throwIfCancelled(); });
    if (hyperTile) {
        sd::HyperTileOptions options = *hyperTile;
        options.seed = seed;
        std::make_shared<sd::HyperTile>(options)->apply(m_unet);
    } else if (cudaGraphs) {
        // A pass meets few latent shapes: one for a whole image, a few for
        // the edge tiles of a tiled refinement.
        constexpr int kGraphsPerPass = 4;
        m_unet.setGraphCapacity(kGraphsPerPass);
    }
}

UNetPassPatches::~UNetPassPatches()
{
    m_unet.setGraphCapacity(0);
    m_unet.setStageCheck({});
    sd::HyperTile::remove(m_unet);
}

VaeHyperTilePatch::VaeHyperTilePatch(sd::VaeModel& vae, const std::optional<sd::HyperTileOptions>& hyperTile,
                                     uint64_t seed)
{
    if (!hyperTile || !hyperTile->vae)
        return;
    sd::HyperTileOptions options = *hyperTile;
    options.seed = seed;
    std::make_shared<sd::HyperTile>(options)->applyToVae(vae);
    m_vae = &vae;
}

VaeHyperTilePatch::~VaeHyperTilePatch()
{
    if (m_vae)
        sd::HyperTile::removeFromVae(*m_vae);
}

at::Tensor sampleLatent(const sd::Denoiser& denoiser, const SamplingPass& pass, const at::Tensor& sigmas,
                        const at::Tensor& latent, uint64_t seed, const sd::StepCallback& step)
{
    if (sigmas.numel() < 2)
        return latent; // ComfyUI returns the latent as it is
    const sd::DiscreteSchedule schedule = sd::DiscreteSchedule::stableDiffusion();
    const at::Tensor noise =
        pass.addNoise ? sd::initialNoise(latent.sizes(), seed, latent.options()) : at::zeros_like(latent);
    const at::Tensor x = sd::noisedLatent(latent, noise, sigmas[0].item<double>(), schedule);
    return sd::runSampler(pass.sampler, denoiser, x, sigmas, seed, step);
}

at::Tensor encodeToLatent(const sd::VaeModel& vae, ModelFamily family, const at::Tensor& pixels,
                          const CancelToken& cancel)
{
    // [B, C, H, W] in [0, 1] -> [B, 3, H, W] in [-1, 1]
    const at::Tensor rgb = pixels.size(1) >= 3 ? pixels.slice(1, 0, 3) : pixels.slice(1, 0, 1).repeat({1, 3, 1, 1});
    const at::Tensor input = (rgb * 2.0 - 1.0).to(vae.device());
    const bool tiled = (input.size(2) / 8) * (input.size(3) / 8) > kWholeVaeLatentPositions;
    const at::Tensor mean = tiled ? sd::encodeTiled(vae, input, {}, &cancel) : vae.encode(input);
    return (mean * sd::vaeScalingFactor(family)).to(at::kFloat);
}

at::Tensor decodeToPixels(const sd::VaeModel& vae, ModelFamily family, const at::Tensor& latent,
                          const CancelToken& cancel)
{
    const at::Tensor unscaled = latent / sd::vaeScalingFactor(family);
    const bool tiled = latent.size(2) * latent.size(3) > kWholeVaeLatentPositions;
    const at::Tensor decoded = tiled ? sd::decodeTiled(vae, unscaled, {}, &cancel) : vae.decode(unscaled);
    return ((decoded + 1.0) / 2.0).clamp(0.0, 1.0).to(at::kCPU, at::kFloat);
}

std::optional<std::string> checkHyperTile(const sd::CheckpointLayout& layout,
                                          const std::optional<sd::HyperTileOptions>& options)
{
    if (!options)
        return std::nullopt;
    sd::HyperTile check(*options); // throws for options out of range
    if (!layout.unet || sd::hyperTileReachesAttention(layout.unet->config, *options))
        return std::nullopt;
    return "HyperTile with max depth " + std::to_string(options->maxDepth) + " does nothing on " +
           sd::familyName(layout.family) + ", which has no attention at full latent resolution: use max depth 1 or more";
}

std::string parametersHead(const std::string& prompt, const std::string& negativePrompt)
{
    return prompt + "\n" + (negativePrompt.empty() ? "" : "Negative prompt: " + negativePrompt + "\n");
}

std::string hyperTileParameter(const std::optional<sd::HyperTileOptions>& options)
{
    if (!options)
        return {};
    return ", HyperTile: tile " + std::to_string(options->tileSize) + " swap " + std::to_string(options->swapSize) +
           " depth " + std::to_string(options->maxDepth) + (options->scaleDepth ? " scaled" : "") +
           (options->vae ? " vae" : "");
}

std::string modelStem(const std::string& path)
{
    const std::filesystem::path p(path);
    return (p.has_filename() ? p.stem() : p.parent_path().filename()).string();
}

} // namespace tessera

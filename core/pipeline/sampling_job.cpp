#include "pipeline/sampling_job.h"

#include "common/error.h"
#include "common/torch_compat.h"
#include "diffusion/diffusers_folder.h"
#include "diffusion/diffusion_models.h"
#include "diffusion/samplers/sampler_registry.h"
#include "diffusion/sampling/denoiser.h"
#include "diffusion/sampling/discrete_schedule.h"
#include "diffusion/sampling/noise.h"
#include "diffusion/sampling/schedulers.h"
#include "diffusion/sampling/step_window.h"
#include "diffusion/text/clip_text.h"
#include "diffusion/text/prompt_encoder.h"
#include "diffusion/tokenizer/vocab_locator.h"
#include "diffusion/unet/adm.h"
#include "diffusion/unet/unet.h"
#include "diffusion/vae/tiled_vae.h"
#include "diffusion/vae/vae.h"
#include "image/tensor_convert.h"

#include <c10/core/InferenceMode.h>

#include <cmath>
#include <filesystem>
#include <sstream>

namespace tessera {
namespace {

namespace fs = std::filesystem;
using sd::ModelFamily;

/// Latents up to this many positions decode and encode whole; larger ones go
/// tile by tile (shared GroupNorm statistics keep them one colour).
constexpr int64_t kWholeVaeLatentPositions = 128 * 128;

bool isSdxl(ModelFamily family)
{
    return family == ModelFamily::SdxlBase || family == ModelFamily::SdxlRefiner;
}

/// One checkpoint's networks on one device.
struct LoadedCheckpoint {
    std::string path;
    DeviceSpec device;
    Precision precision = Precision::Fp32;
    sd::DiffusionModels models;

    bool matches(const std::string& p, const GenerationSettings& s) const
    {
        return path == p && device == s.device && precision == s.precision;
    }
};

/// The header-only view of a checkpoint: what plan() needs.
sd::CheckpointLayout inspect(const std::string& path, const char* role)
{
    if (path.empty())
        throw Error(ErrorCode::InvalidArgument, std::string("no ") + role + " checkpoint given");
    const std::unique_ptr<WeightStore> store = sd::openCheckpointStore(path);
    if (!sd::isDiffusionCheckpoint(*store))
        throw Error(ErrorCode::UnsupportedModel, path + ": not a Stable Diffusion checkpoint");
    return sd::inspectCheckpoint(*store);
}

void loadInto(LoadedCheckpoint& slot, const std::string& path, const GenerationSettings& settings, bool unetAndText)
{
    if (slot.matches(path, settings) && (!unetAndText || slot.models.unet))
        return;
    slot = {};
    const std::unique_ptr<WeightStore> store = sd::openCheckpointStore(path);
    const sd::CheckpointLayout layout = sd::inspectCheckpoint(*store);
    sd::DiffusionLoadOptions options;
    options.device = settings.device;
    options.precision = settings.precision;
    options.loadUNet = options.loadText = unetAndText;
    slot.models = sd::loadDiffusionModels(*store, layout, options);
    slot.path = path;
    slot.device = settings.device;
    slot.precision = settings.precision;
}

/// KSamplerAdvanced's window of `pass` over its scheduler's sigmas.
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
}

/// Both sides of the guidance for one checkpoint at one latent size.
struct Conditioning {
    sd::UNetConditioning positive, negative;
};

Conditioning encodePrompts(const sd::DiffusionModels& models, const sd::ClipTokenizer& tokenizer,
                           const GenerationSettings& settings, int width, int height)
{
    const ModelFamily family = models.layout.family;
    Conditioning c;
    if (family == ModelFamily::Sd1) {
        c.positive.context = sd::encodeSd1(*models.clipL, tokenizer, settings.prompt, settings.clipSkip).context;
        c.negative.context = sd::encodeSd1(*models.clipL, tokenizer, settings.negativePrompt, settings.clipSkip).context;
        return c;
    }
    // SDXL micro-conditioning as ComfyUI fills it by default: original and
    // target size = the latent's size in pixels, no crop.
    if (family == ModelFamily::SdxlBase) {
        sd::SdxlSizeConditioning sizes;
        sizes.originalHeight = sizes.targetHeight = height;
        sizes.originalWidth = sizes.targetWidth = width;
        auto side = [&](const std::string& prompt) {
            const sd::TextConditioning text = sd::encodeSdxl(*models.clipL, *models.clipG, tokenizer, prompt);
            return sd::UNetConditioning{text.context, sd::sdxlBaseAdm(text.pooled, sizes)};
        };
        c.positive = side(settings.prompt);
        c.negative = side(settings.negativePrompt);
        return c;
    }
    auto side = [&](const std::string& prompt, double aestheticScore) {
        const sd::TextConditioning text = sd::encodeSdxlRefiner(*models.clipG, tokenizer, prompt);
        sd::SdxlRefinerConditioning refiner;
        refiner.originalHeight = height;
        refiner.originalWidth = width;
        refiner.aestheticScore = aestheticScore;
        return sd::UNetConditioning{text.context, sd::sdxlRefinerAdm(text.pooled, refiner)};
    };
    c.positive = side(settings.prompt, settings.aestheticScore);
    c.negative = side(settings.negativePrompt, settings.negativeAestheticScore);
    return c;
}

/// What a pass installs on its UNet (the cancel check between stages,
/// HyperTile's attention hooks), removed when the pass ends, however it ends.
class PassPatches {
public:
    PassPatches(sd::UNetModel& unet, const CancelToken& cancel, const GenerationSettings& settings) : m_unet(unet)
    {
        m_unet.setStageCheck([cancel] { cancel.throwIfCancelled(); });
        if (settings.hyperTile) {
            sd::HyperTileOptions options = *settings.hyperTile;
            options.seed = settings.seed;
            std::make_shared<sd::HyperTile>(options)->apply(m_unet);
        }
    }
    ~PassPatches()
    {
        m_unet.setStageCheck({});
        sd::HyperTile::remove(m_unet);
    }

private:
    sd::UNetModel& m_unet;
};

/// image [1, C, H, W] in [0, 1] -> [1, 3, H, W] in [-1, 1]: grey is
/// repeated, alpha dropped (the run puts it back).
at::Tensor vaeInput(const at::Tensor& image)
{
    const at::Tensor rgb = image.size(1) >= 3 ? image.slice(1, 0, 3) : image.slice(1, 0, 1).repeat({1, 3, 1, 1});
    return rgb * 2.0 - 1.0;
}

std::string fileStem(const std::string& path)
{
    const fs::path p(path);
    return (p.has_filename() ? p.stem() : p.parent_path().filename()).string();
}

} // namespace

SamplingPass seedBasePass()
{
    SamplingPass pass;
    pass.sampler = "dpmpp_3m_sde_gpu";
    pass.scheduler = "exponential";
    pass.steps = 30;
    pass.cfg = 6.5;
    pass.endStep = 14;
    pass.leftoverNoise = true;
    return pass;
}

SamplingPass seedRefinerPass()
{
    SamplingPass pass;
    pass.sampler = "dpmpp_3m_sde_gpu";
    pass.scheduler = "exponential";
    pass.steps = 32;
    pass.cfg = 3.5;
    pass.startStep = 15;
    pass.addNoise = false;
    return pass;
}

int SamplingPlan::steps() const
{
    auto count = [](const at::Tensor& sigmas) { return sigmas.defined() ? int(std::max<int64_t>(sigmas.numel() - 1, 0)) : 0; };
    return count(baseSigmas) + count(refinerSigmas);
}

struct SamplingJob::Loaded {
    LoadedCheckpoint base, refiner, vae;
    std::string vocabularyKey;
    std::optional<sd::ClipTokenizer> tokenizer;
};

SamplingJob::SamplingJob() : m_loaded(std::make_unique<Loaded>()) {}
SamplingJob::~SamplingJob() = default;

SamplingPlan SamplingJob::plan(const GenerationSettings& settings, const Image* init)
{
    SamplingPlan plan;
    const sd::CheckpointLayout base = inspect(settings.checkpoint, "base");
    plan.family = base.family;
    if (base.family == ModelFamily::VaeOnly || !base.unet)
        throw Error(ErrorCode::InvalidArgument, settings.checkpoint + ": a VAE alone cannot sample (give it with --vae)");
    if (init) {
        plan.width = init->width() / 8 * 8;
        plan.height = init->height() / 8 * 8;
        if (plan.width < 8 || plan.height < 8)
            throw Error(ErrorCode::InvalidArgument, "the input image must be at least 8x8 pixels, not " +
                                                        std::to_string(init->width()) + "x" + std::to_string(init->height()));
    } else {
        const int native = isSdxl(base.family) ? 1024 : 512;
        plan.width = settings.width > 0 ? settings.width : native;
        plan.height = settings.height > 0 ? settings.height : native;
        if (plan.width % 8 != 0 || plan.height % 8 != 0 || plan.width > 16384 || plan.height > 16384)
            throw Error(ErrorCode::InvalidArgument, "width and height must be multiples of 8 up to 16384, not " +
                                                        std::to_string(plan.width) + "x" + std::to_string(plan.height));
    }
    const sd::DiscreteSchedule schedule = sd::DiscreteSchedule::stableDiffusion();
    checkPass(settings.base, "base");
    plan.baseSigmas = passSigmas(settings.base, schedule);
    if (!settings.refinerCheckpoint.empty()) {
        const sd::CheckpointLayout refiner = inspect(settings.refinerCheckpoint, "refiner");
        if (!isSdxl(refiner.family) || !isSdxl(base.family))
            throw Error(ErrorCode::InvalidArgument, settings.refinerCheckpoint + ": a refiner pass needs an SDXL base and an SDXL refiner (or base), not " +
                                                        sd::familyName(base.family) + " -> " + sd::familyName(refiner.family));
        checkPass(settings.refiner, "refiner");
        plan.refinerSigmas = passSigmas(settings.refiner, schedule);
    }
    if (settings.hyperTile) {
        sd::HyperTile check(*settings.hyperTile); // throws for options out of range
        if (!sd::hyperTileReachesAttention(base.unet->config, *settings.hyperTile))
            plan.notes.push_back("HyperTile with max depth " + std::to_string(settings.hyperTile->maxDepth) + " does nothing on " +
                                 sd::familyName(base.family) +
                                 ", which has no attention at full latent resolution: use max depth 1 or more");
    }
    return plan;
}

Image SamplingJob::run(const GenerationSettings& settings, const Image* init, const CancelToken& cancel,
                       const ProgressSink& progress)
{
    const SamplingPlan plan = this->plan(settings, init);
    c10::InferenceMode inference;
    useAllCoresOnThisThread();
    Loaded& loaded = *m_loaded;

    loadInto(loaded.base, settings.checkpoint, settings, /*unetAndText=*/true);
    cancel.throwIfCancelled();
    const sd::VaeModel* vae = loaded.base.models.vae.get();
    if (!settings.vaePath.empty()) {
        loadInto(loaded.vae, settings.vaePath, settings, /*unetAndText=*/false);
        vae = loaded.vae.models.vae.get();
    }
    if (!vae)
        throw Error(ErrorCode::InvalidModel, settings.checkpoint + ": has no VAE; give one with --vae");
    const std::string vocabularyKey = settings.checkpoint + "\n" + settings.vocabularyPath;
    if (!loaded.tokenizer || loaded.vocabularyKey != vocabularyKey) {
        loaded.tokenizer = sd::loadClipTokenizer(sd::findClipVocabulary(settings.checkpoint, settings.vocabularyPath));
        loaded.vocabularyKey = vocabularyKey;
    }

    const c10::Device device = toTorchDevice(settings.device);
    const double latentScale = sd::vaeScalingFactor(loaded.base.models.layout.family);
    const int64_t latentHeight = plan.height / 8, latentWidth = plan.width / 8;
    const bool tiledVae = latentHeight * latentWidth > kWholeVaeLatentPositions;

    EtaEstimator eta;
    eta.start(plan.steps() + 1); // + the decode
    int64_t done = 0;
    auto report = [&](const std::string& stage) {
        if (progress)
            progress(eta.update(done, stage));
    };

    // The starting latent: zeros (txt2img) or the encoded image, scaled.
    at::Tensor latent;
    at::Tensor alpha; // [1, 1, H, W] of init, when it has one
    if (init) {
        const int x0 = (init->width() - plan.width) / 2, y0 = (init->height() - plan.height) / 2;
        const at::Tensor image = imageToTensor(*init, x0, y0, plan.width, plan.height);
        if (init->channels() == 2 || init->channels() == 4)
            alpha = image.slice(1, image.size(1) - 1);
        const at::Tensor pixels = vaeInput(image).to(device);
        const at::Tensor mean = tiledVae ? sd::encodeTiled(*vae, pixels, {}, &cancel) : vae->encode(pixels);
        latent = (mean * latentScale).to(device, at::kFloat);
    } else {
        latent = at::zeros({1, 4, latentHeight, latentWidth}, at::TensorOptions().device(device).dtype(at::kFloat));
    }

    const sd::DiscreteSchedule schedule = sd::DiscreteSchedule::stableDiffusion();
    // One KSamplerAdvanced call: noise (or none), the window's sigmas, the sampler.
    auto samplePass = [&](LoadedCheckpoint& checkpoint, const SamplingPass& pass, const at::Tensor& sigmas,
                          const std::string& stage) {
        if (sigmas.numel() < 2)
            return; // ComfyUI returns the latent as it is
        const Conditioning conditioning =
            encodePrompts(checkpoint.models, *loaded.tokenizer, settings, plan.width, plan.height);
        sd::UNetModel& unet = *checkpoint.models.unet;
        const PassPatches patches(unet, cancel, settings);
        const sd::Denoiser denoiser =
            sd::guidedEpsDenoiser(unet, schedule, conditioning.positive, conditioning.negative, pass.cfg);
        const at::Tensor noise = pass.addNoise ? sd::initialNoise(latent.sizes(), settings.seed, latent.options())
                                               : at::zeros_like(latent);
        const at::Tensor x = sd::noisedLatent(latent, noise, sigmas[0].item<double>(), schedule);
        latent = sd::runSampler(pass.sampler, denoiser, x, sigmas, settings.seed,
                                [&](int, int, const at::Tensor&, const at::Tensor&) {
                                    ++done;
                                    report(stage);
                                    cancel.throwIfCancelled();
                                });
    };
    report("base");
    samplePass(loaded.base, settings.base, plan.baseSigmas, "base");
    if (plan.refinerSigmas.defined()) {
        loadInto(loaded.refiner, settings.refinerCheckpoint, settings, /*unetAndText=*/true);
        samplePass(loaded.refiner, settings.refiner, plan.refinerSigmas, "refiner");
    }

    cancel.throwIfCancelled();
    report("vae decode");
    const at::Tensor unscaled = latent / latentScale;
    const at::Tensor decoded = tiledVae ? sd::decodeTiled(*vae, unscaled, {}, &cancel) : vae->decode(unscaled);
    at::Tensor pixels = ((decoded + 1.0) / 2.0).clamp(0.0, 1.0).to(at::kCPU, at::kFloat); // [1, 3, H, W]
    if (alpha.defined())
        pixels = at::cat({pixels, alpha}, 1);
    ++done;
    report("vae decode");

    Image image = tensorToImage(pixels);
    if (init)
        image.metadata() = init->metadata();
    image.metadata().setString("parameters", generationParameters(settings, plan, init != nullptr));
    return image;
}

std::string generationParameters(const GenerationSettings& settings, const SamplingPlan& plan, bool img2img)
{
    std::ostringstream text;
    const SamplingPass& base = settings.base;
    text << settings.prompt << "\n";
    if (!settings.negativePrompt.empty())
        text << "Negative prompt: " << settings.negativePrompt << "\n";
    text << "Steps: " << base.steps << ", Sampler: " << base.sampler << ", Schedule type: " << base.scheduler
         << ", CFG scale: " << base.cfg << ", Seed: " << settings.seed << ", Size: " << plan.width << "x"
         << plan.height << ", Model: " << fileStem(settings.checkpoint);
    if (img2img || base.denoise < 1.0)
        text << ", Denoising strength: " << base.denoise;
    if (base.startStep > 0 || base.endStep)
        text << ", Steps window: " << base.startStep << "-" << (base.endStep ? std::to_string(*base.endStep) : "end");
    if (settings.clipSkip > 1)
        text << ", Clip skip: " << settings.clipSkip;
    if (!settings.vaePath.empty())
        text << ", VAE: " << fileStem(settings.vaePath);
    if (const auto& h = settings.hyperTile)
        text << ", HyperTile: tile " << h->tileSize << " swap " << h->swapSize << " depth " << h->maxDepth
             << (h->scaleDepth ? " scaled" : "");
    if (!settings.refinerCheckpoint.empty()) {
        const SamplingPass& refiner = settings.refiner;
        text << ", Refiner: " << fileStem(settings.refinerCheckpoint) << ", Refiner steps: " << refiner.steps
             << ", Refiner CFG scale: " << refiner.cfg << ", Refiner sampler: " << refiner.sampler
             << ", Refiner schedule type: " << refiner.scheduler << ", Refiner start step: " << refiner.startStep;
    }
    text << ", Version: Tessera";
    return text.str();
}

} // namespace tessera

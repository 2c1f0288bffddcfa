#include "pipeline/sampling_job.h"

#include "pipeline/checkpoint_cache.h"
#include "pipeline/diffusion_steps.h"

#include "common/cancel_scope.h"
#include "common/error.h"
#include "common/torch_compat.h"
#include "diffusion/unet/unet.h"
#include "image/tensor_convert.h"

#include <c10/core/InferenceMode.h>

#include <sstream>

namespace tessera {
namespace {

using sd::ModelFamily;

PromptText promptText(const GenerationSettings& settings)
{
    return {settings.prompt, settings.negativePrompt, settings.clipSkip, settings.aestheticScore,
            settings.negativeAestheticScore};
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

SamplingJob::SamplingJob(std::shared_ptr<CheckpointCache> cache)
    : m_cache(cache ? std::move(cache) : std::make_shared<CheckpointCache>())
{
}
SamplingJob::~SamplingJob() = default;

SamplingPlan SamplingJob::plan(const GenerationSettings& settings, const Image* init)
{
    SamplingPlan plan;
    const sd::CheckpointLayout base = inspectDiffusionCheckpoint(settings.checkpoint, "base");
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
        const int native = isSdxlFamily(base.family) ? 1024 : 512;
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
        const sd::CheckpointLayout refiner = inspectDiffusionCheckpoint(settings.refinerCheckpoint, "refiner");
        if (!isSdxlFamily(refiner.family) || !isSdxlFamily(base.family))
            throw Error(ErrorCode::InvalidArgument, settings.refinerCheckpoint + ": a refiner pass needs an SDXL base and an SDXL refiner (or base), not " +
                                                        sd::familyName(base.family) + " -> " + sd::familyName(refiner.family));
        checkPass(settings.refiner, "refiner");
        plan.refinerSigmas = passSigmas(settings.refiner, schedule);
    }
    if (const std::optional<std::string> note = checkHyperTile(base, settings.hyperTile))
        plan.notes.push_back(*note);
    return plan;
}

Image SamplingJob::run(const GenerationSettings& settings, const Image* init, const CancelToken& cancel,
                       const ProgressSink& progress)
{
    const SamplingPlan plan = this->plan(settings, init);
    const CancelScope cancelScope(cancel); // the forwards poll it between layers
    c10::InferenceMode inference;
    useAllCoresOnThisThread();
    CheckpointCache& cache = *m_cache;

    const sd::DiffusionModels base = cache.models(settings.checkpoint, settings.device, settings.precision);
    cancel.throwIfCancelled();
    const std::shared_ptr<sd::VaeModel> vae =
        cache.vae(settings.checkpoint, settings.vaePath, settings.device, settings.precision);
    const sd::ClipTokenizer& tokenizer = cache.tokenizer(settings.checkpoint, settings.vocabularyPath);
    const ModelFamily family = base.layout.family;
    const c10::Device device = toTorchDevice(settings.device);
    const VaeHyperTilePatch vaePatch(*vae, settings.hyperTile, settings.seed);

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
        latent = encodeToLatent(*vae, family, image, cancel);
    } else {
        latent = at::zeros({1, 4, plan.height / 8, plan.width / 8}, at::TensorOptions().device(device).dtype(at::kFloat));
    }

    const sd::DiscreteSchedule schedule = sd::DiscreteSchedule::stableDiffusion();
    auto samplePass = [&](const sd::DiffusionModels& models, const SamplingPass& pass, const at::Tensor& sigmas,
                          const std::string& stage) {
        if (sigmas.numel() < 2)
            return; // ComfyUI returns the latent as it is
        const Conditioning conditioning = encodePrompts(models, tokenizer, promptText(settings), plan.width, plan.height);
        const UNetPassPatches patches(*models.unet, cancel, settings.hyperTile, settings.seed, settings.cudaGraphs);
        const sd::Denoiser denoiser =
            sd::guidedEpsDenoiser(*models.unet, schedule, conditioning.positive, conditioning.negative, pass.cfg);
        latent = sampleLatent(denoiser, pass, sigmas, latent, settings.seed, [&](int, int, const at::Tensor&, const at::Tensor&) {
            ++done;
            report(stage);
            cancel.throwIfCancelled();
        });
    };
    report("base");
    samplePass(base, settings.base, plan.baseSigmas, "base");
    if (plan.refinerSigmas.defined()) {
        const sd::DiffusionModels refiner =
            cache.models(settings.refinerCheckpoint, settings.device, settings.precision);
        samplePass(refiner, settings.refiner, plan.refinerSigmas, "refiner");
    }

    cancel.throwIfCancelled();
    report("vae decode");
    at::Tensor pixels = decodeToPixels(*vae, family, latent, cancel); // [1, 3, H, W]
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
    text << parametersHead(settings.prompt, settings.negativePrompt) << "Steps: " << base.steps << ", Sampler: " << base.sampler << ", Schedule type: " << base.scheduler
         << ", CFG scale: " << base.cfg << ", Seed: " << settings.seed << ", Size: " << plan.width << "x"
         << plan.height << ", Model: " << modelStem(settings.checkpoint);
    if (img2img || base.denoise < 1.0)
        text << ", Denoising strength: " << base.denoise;
    if (base.startStep > 0 || base.endStep)
        text << ", Steps window: " << base.startStep << "-" << (base.endStep ? std::to_string(*base.endStep) : "end");
    if (settings.clipSkip > 1)
        text << ", Clip skip: " << settings.clipSkip;
    if (!settings.vaePath.empty())
        text << ", VAE: " << modelStem(settings.vaePath);
    text << hyperTileParameter(settings.hyperTile);
    if (!settings.refinerCheckpoint.empty()) {
        const SamplingPass& refiner = settings.refiner;
        text << ", Refiner: " << modelStem(settings.refinerCheckpoint) << ", Refiner steps: " << refiner.steps
             << ", Refiner CFG scale: " << refiner.cfg << ", Refiner sampler: " << refiner.sampler
             << ", Refiner schedule type: " << refiner.scheduler << ", Refiner start step: " << refiner.startStep;
    }
    text << ", Version: Tessera";
    return text.str();
}

} // namespace tessera

#include "diffusion/samplers/sampler_registry.h"

#include "common/error.h"
#include "diffusion/samplers/dpm_2.h"
#include "diffusion/samplers/dpm_2_ancestral.h"
#include "diffusion/samplers/dpmpp_2m.h"
#include "diffusion/samplers/dpmpp_2m_sde.h"
#include "diffusion/samplers/dpmpp_2s_ancestral.h"
#include "diffusion/samplers/dpmpp_3m_sde.h"
#include "diffusion/samplers/dpmpp_sde.h"
#include "diffusion/samplers/euler.h"
#include "diffusion/samplers/euler_ancestral.h"
#include "diffusion/samplers/heun.h"
#include "diffusion/samplers/lcm.h"
#include "diffusion/samplers/lms.h"
#include "diffusion/samplers/uni_pc.h"
#include "diffusion/sampling/brownian_tree.h"
#include "diffusion/sampling/noise.h"

#include <algorithm>
#include <functional>

namespace tessera::sd {
namespace {

/// The noise a sampler draws.
enum class NoiseKind { None, Seeded, BrownianTreeOnCpu, BrownianTreeOnDevice };

using SamplerFunction =
    std::function<at::Tensor(const Denoiser&, at::Tensor, const at::Tensor&, const NoiseSampler&, const StepCallback&)>;

struct SamplerEntry {
    std::string name;
    NoiseKind noise;
    SamplerFunction run;
};

// Each entry calls its sampler with ComfyUI's default options (eta, s_noise, ...).
#define TESSERA_DETERMINISTIC(sample)                                                                           \
    [](const Denoiser& d, at::Tensor x, const at::Tensor& s, const NoiseSampler&, const StepCallback& c) {      \
        return sample(d, std::move(x), s, c);                                                                  \
    }
#define TESSERA_STOCHASTIC(sample)                                                                              \
    [](const Denoiser& d, at::Tensor x, const at::Tensor& s, const NoiseSampler& n, const StepCallback& c) {    \
        return sample(d, std::move(x), s, n, c);                                                               \
    }

const std::vector<SamplerEntry>& samplers()
{
    // ComfyUI's KSAMPLER_NAMES order; "ddim" is its euler (comfy/samplers.py sampler_object).
    static const std::vector<SamplerEntry> entries = {
        {"euler", NoiseKind::None, TESSERA_DETERMINISTIC(sampleEuler)},
        {"euler_ancestral", NoiseKind::Seeded, TESSERA_STOCHASTIC(sampleEulerAncestral)},
        {"heun", NoiseKind::None, TESSERA_DETERMINISTIC(sampleHeun)},
        {"dpm_2", NoiseKind::None, TESSERA_DETERMINISTIC(sampleDpm2)},
        {"dpm_2_ancestral", NoiseKind::Seeded, TESSERA_STOCHASTIC(sampleDpm2Ancestral)},
        {"lms", NoiseKind::None, TESSERA_DETERMINISTIC(sampleLms)},
        {"dpmpp_2s_ancestral", NoiseKind::Seeded, TESSERA_STOCHASTIC(sampleDpmpp2sAncestral)},
        {"dpmpp_sde", NoiseKind::BrownianTreeOnCpu, TESSERA_STOCHASTIC(sampleDpmppSde)},
        {"dpmpp_sde_gpu", NoiseKind::BrownianTreeOnDevice, TESSERA_STOCHASTIC(sampleDpmppSde)},
        {"dpmpp_2m", NoiseKind::None, TESSERA_DETERMINISTIC(sampleDpmpp2m)},
        {"dpmpp_2m_sde", NoiseKind::BrownianTreeOnCpu, TESSERA_STOCHASTIC(sampleDpmpp2mSde)},
        {"dpmpp_2m_sde_gpu", NoiseKind::BrownianTreeOnDevice, TESSERA_STOCHASTIC(sampleDpmpp2mSde)},
        {"dpmpp_3m_sde", NoiseKind::BrownianTreeOnCpu, TESSERA_STOCHASTIC(sampleDpmpp3mSde)},
        {"dpmpp_3m_sde_gpu", NoiseKind::BrownianTreeOnDevice, TESSERA_STOCHASTIC(sampleDpmpp3mSde)},
        {"lcm", NoiseKind::Seeded, TESSERA_STOCHASTIC(sampleLcm)},
        {"ddim", NoiseKind::None, TESSERA_DETERMINISTIC(sampleEuler)},
        {"uni_pc", NoiseKind::None, TESSERA_DETERMINISTIC(sampleUniPc)},
    };
    return entries;
}

#undef TESSERA_DETERMINISTIC
#undef TESSERA_STOCHASTIC

const SamplerEntry& samplerEntry(const std::string& name)
{
    for (const SamplerEntry& entry : samplers())
        if (entry.name == name)
            return entry;
    std::string known;
    for (const std::string& n : samplerNames())
        known += (known.empty() ? "" : ", ") + n;
    throw Error(ErrorCode::InvalidArgument, "unknown sampler '" + name + "' (known: " + known + ")");
}

/// The noise source ComfyUI builds for the sampler at the start of a call.
NoiseSampler noiseFor(NoiseKind kind, const at::Tensor& x, const at::Tensor& sigmas, uint64_t seed)
{
    switch (kind) {
    case NoiseKind::None: return {};
    case NoiseKind::Seeded: return seededNoiseSampler(x, seed);
    case NoiseKind::BrownianTreeOnCpu:
    case NoiseKind::BrownianTreeOnDevice: {
        const at::Tensor positive = sigmas.masked_select(sigmas > 0);
        return brownianTreeNoiseSampler(x, positive.min().item<double>(), sigmas.max().item<double>(), seed,
                                        /*treeOnCpu=*/kind == NoiseKind::BrownianTreeOnCpu);
    }
    }
    return {};
}

} // namespace

const std::vector<std::string>& samplerNames()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> all;
        for (const SamplerEntry& entry : samplers())
            all.push_back(entry.name);
        return all;
    }();
    return names;
}

bool isSamplerName(const std::string& name)
{
    const std::vector<std::string>& names = samplerNames();
    return std::find(names.begin(), names.end(), name) != names.end();
}

void checkSamplerName(const std::string& name)
{
    samplerEntry(name);
}

bool discardsPenultimateSigma(const std::string& sampler)
{
    return sampler == "dpm_2" || sampler == "dpm_2_ancestral" || sampler == "uni_pc";
}

at::Tensor runSampler(const std::string& name, const Denoiser& denoiser, const at::Tensor& x, const at::Tensor& sigmas,
                      uint64_t seed, const StepCallback& callback)
{
    const SamplerEntry& entry = samplerEntry(name);
    if (sigmas.size(0) < 2)
        return x; // no step to take
    return entry.run(denoiser, x, sigmas, noiseFor(entry.noise, x, sigmas, seed), callback);
}

} // namespace tessera::sd

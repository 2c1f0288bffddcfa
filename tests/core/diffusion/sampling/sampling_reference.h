#pragma once
// The sampling fixtures (tests/data/sampling/reference_sampling.safetensors,
// made by scripts/sampling_reference/make_fixtures.py from ComfyUI's own
// schedulers, KSampler step windows and k-diffusion / UniPC samplers): fp32
// tensors, and one JSON document in the header's __metadata__["json"] naming
// the cases, seeds and denoiser parameters. Compare with
// TESSERA_COMPARE_TO_REFERENCE / test::relativeError (diffusion_fixtures.h).

#include "core/diffusion/diffusion_fixtures.h"

#include "models/loaders/weight_store.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace tessera::test {

/// The fixture file, opened once per test binary.
inline const WeightStore& samplingFixtures()
{
    static const std::unique_ptr<WeightStore> store =
        openWeightStore(std::string(TESSERA_SAMPLING_FIXTURES) + "/reference_sampling.safetensors");
    return *store;
}

/// A fixture tensor ("scheduler.karras.10", "window.3", "sampler.euler.x", ...), fp32 on the CPU.
inline at::Tensor samplingReference(const std::string& key)
{
    return samplingFixtures().read(key).to(at::kFloat);
}

/// The fixture's metadata: {"schedulers", "step_counts", "windows": [{key, name, sampler,
/// scheduler, steps, denoise?, start_step?, last_step?, force_full_denoise?, returns_input,
/// discard_penultimate_sigma}], "samplers": {name: {...}}, "gaussian": {mean, std},
/// "input": {...}, "extra_args_seed", ...}.
inline const nlohmann::json& samplingMetadata()
{
    static const nlohmann::json metadata = nlohmann::json::parse(samplingFixtures().metadata().at("json"));
    return metadata;
}

} // namespace tessera::test

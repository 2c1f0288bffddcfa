#pragma once
// Shared by the diffusion network tests: the committed reference fixtures
// (tests/data/diffusion, made by scripts/diffusion_reference/make_fixtures.py
// from the original CompVis / Stability / OpenAI code on random weights),
// composing single-file checkpoints from the tiny component files, and the
// relative error the comparisons use.

#include "models/loaders/safetensors.h"
#include "models/loaders/weight_store.h"

#include <ATen/ATen.h>

#include <QString>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tessera::test {

inline std::string diffusionFixture(const std::string& name)
{
    return std::string(TESSERA_DIFFUSION_FIXTURES) + "/" + name;
}

/// The reference outputs (reference_outputs.safetensors), opened once per test binary.
inline const WeightStore& referenceOutputs()
{
    static const std::unique_ptr<WeightStore> store = openWeightStore(diffusionFixture("reference_outputs.safetensors"));
    return *store;
}

/// A reference tensor as fp32 (ids stay int64) on the CPU.
inline at::Tensor reference(const std::string& key)
{
    at::Tensor t = referenceOutputs().read(key);
    return t.is_floating_point() ? t.to(at::kFloat) : t;
}

/// ||ours - theirs|| / ||theirs|| over all elements.
inline double relativeError(const at::Tensor& ours, const at::Tensor& theirs)
{
    const at::Tensor a = ours.detach().to(at::kCPU, at::kDouble);
    const at::Tensor b = theirs.detach().to(at::kCPU, at::kDouble);
    return (a - b).norm().item<double>() / std::max(b.norm().item<double>(), 1e-30);
}

/// Writes one single-file checkpoint to `dir`/`name` from tiny component
/// files, each key prefixed ({"model.diffusion_model.", "unet_sd15_tiny.safetensors"}, ...),
/// plus `extra` tensors (keys real files carry: position_ids, alphas_cumprod ...).
inline std::string composeCheckpoint(const QTemporaryDir& dir, const std::string& name,
                                     const std::vector<std::pair<std::string, std::string>>& parts,
                                     const StateDict& extra = {})
{
    StateDict all = extra;
    for (const auto& [prefix, file] : parts) {
        const std::unique_ptr<WeightStore> component = openWeightStore(diffusionFixture(file));
        for (const std::string& key : component->keys())
            all[prefix + key] = component->read(key);
    }
    const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    saveSafetensors(path, all);
    return path;
}

} // namespace tessera::test

/// Fails unless ours is within `tolerance` relative error of the reference.
#define TESSERA_COMPARE_TO_REFERENCE(ours, theirs, tolerance)                                                  \
    do {                                                                                                       \
        const at::Tensor oursValue_ = (ours);                                                                  \
        const at::Tensor theirsValue_ = (theirs);                                                              \
        QCOMPARE(oursValue_.sizes().vec(), theirsValue_.sizes().vec());                                        \
        const double error_ = tessera::test::relativeError(oursValue_, theirsValue_);                          \
        QVERIFY2(error_ <= (tolerance), qPrintable(QString("relative error %1 > %2").arg(error_).arg(tolerance))); \
    } while (false)

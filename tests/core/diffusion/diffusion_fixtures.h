#pragma once
// Shared by the diffusion network tests: the committed reference fixtures
// (tests/data/diffusion, made by scripts/diffusion_reference/make_fixtures.py
// from the original CompVis / Stability / OpenAI code on random weights),
// the tiny component checkpoints regenerated from their recipe, composing
// single-file checkpoints from them, and the relative error the comparisons use.
//
// The tiny checkpoints are not committed (69 MB: GroupNorm(32) and CLIP's
// 49408-token table set a floor): tiny_checkpoints.txt lists every key,
// shape, offset and scale, and each value is a pure function of its key,
// fp16(fp32(offset + scale * u)), u = uniform [-1, 1) from
// splitmix64(fnv1a64("component:key") + element index), exactly as the
// script drew them for the reference.

#include "models/loaders/safetensors.h"
#include "models/loaders/weight_store.h"

#include <ATen/ATen.h>

#include <QFile>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tessera::test {

namespace detail {

inline uint64_t fnv1a64(const std::string& text)
{
    uint64_t h = 0xCBF29CE484222325ull;
    for (unsigned char c : text)
        h = (h ^ c) * 0x100000001B3ull;
    return h;
}

inline uint64_t splitmix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// One tensor of the recipe, as make_fixtures.py's hash_tensor() draws it.
inline at::Tensor hashTensor(const std::string& component, const std::string& key, const std::vector<int64_t>& shape,
                             double offset, double scale)
{
    at::Tensor values = at::empty(shape, at::kFloat);
    float* out = values.data_ptr<float>();
    const uint64_t seed = fnv1a64(component + ":" + key);
    for (int64_t i = 0; i < values.numel(); ++i) {
        const double u = double(splitmix64(seed + uint64_t(i)) >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0;
        out[i] = float(offset + scale * u);
    }
    return values.to(at::kHalf);
}

/// Writes every component of tiny_checkpoints.txt as <component>.safetensors
/// into `dir`.
inline void writeTinyCheckpoints(const QString& dir)
{
    QFile recipe(QString::fromStdString(std::string(TESSERA_DIFFUSION_FIXTURES) + "/tiny_checkpoints.txt"));
    if (!recipe.open(QIODevice::ReadOnly | QIODevice::Text))
        qFatal("cannot read %s", qPrintable(recipe.fileName()));
    std::map<std::string, StateDict> components;
    while (!recipe.atEnd()) {
        const QString line = QString::fromUtf8(recipe.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        // component<TAB>key<TAB>d0,d1,...<TAB>offset<TAB>scale
        const QStringList f = line.split('\t');
        std::vector<int64_t> shape;
        for (const QString& d : f.value(2).split(',', Qt::SkipEmptyParts))
            shape.push_back(d.toLongLong());
        const std::string component = f.value(0).toStdString(), key = f.value(1).toStdString();
        components[component][key] = hashTensor(component, key, shape, f.value(3).toDouble(), f.value(4).toDouble());
    }
    for (const auto& [component, tensors] : components)
        saveSafetensors((dir + "/" + QString::fromStdString(component) + ".safetensors").toStdString(), tensors);
}

} // namespace detail

/// A committed fixture file; for "<component>_tiny.safetensors" the tiny
/// checkpoint, regenerated once per test process into a temporary folder.
inline std::string diffusionFixture(const std::string& name)
{
    const std::string suffix = "_tiny.safetensors";
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        static QTemporaryDir generated;
        static const bool written = (detail::writeTinyCheckpoints(generated.path()), true);
        (void)written;
        return (generated.path() + "/" + QString::fromStdString(name)).toStdString();
    }
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
/// plus `extra` tensors, added or replacing (keys real files carry:
/// position_ids, alphas_cumprod ...; or a broken tensor).
inline std::string composeCheckpoint(const QTemporaryDir& dir, const std::string& name,
                                     const std::vector<std::pair<std::string, std::string>>& parts,
                                     const StateDict& extra = {})
{
    StateDict all;
    for (const auto& [prefix, file] : parts) {
        const std::unique_ptr<WeightStore> component = openWeightStore(diffusionFixture(file));
        for (const std::string& key : component->keys())
            all[prefix + key] = component->read(key);
    }
    for (const auto& [key, tensor] : extra)
        all[key] = tensor;
    const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    saveSafetensors(path, all);
    return path;
}

/// The parts of a tiny single-file checkpoint of `family` ("sd15",
/// "sdxl_base", "sdxl_refiner"): {key prefix, tiny component file}.
inline std::vector<std::pair<std::string, std::string>> tinyCheckpointParts(const std::string& family)
{
    if (family == "sd15")
        return {{"model.diffusion_model.", "unet_sd15_tiny.safetensors"},
                {"first_stage_model.", "vae_tiny.safetensors"},
                {"cond_stage_model.transformer.", "clip_l_tiny.safetensors"}};
    if (family == "sdxl_base")
        return {{"model.diffusion_model.", "unet_sdxl_base_tiny.safetensors"},
                {"first_stage_model.", "vae_tiny.safetensors"},
                {"conditioner.embedders.0.transformer.", "clip_l_tiny.safetensors"},
                {"conditioner.embedders.1.model.", "clip_g_tiny.safetensors"}};
    if (family == "sdxl_refiner")
        return {{"model.diffusion_model.", "unet_sdxl_refiner_tiny.safetensors"},
                {"first_stage_model.", "vae_tiny.safetensors"},
                {"conditioner.embedders.0.model.", "clip_g_tiny.safetensors"}};
    qFatal("unknown family %s", family.c_str());
}

/// A tiny single-file checkpoint of `family` written to `dir` as
/// "<family>_tiny.safetensors", plus `extra` tensors (composeCheckpoint).
inline std::string composeTinyCheckpoint(const QTemporaryDir& dir, const std::string& family, const StateDict& extra = {})
{
    return composeCheckpoint(dir, family + "_tiny.safetensors", tinyCheckpointParts(family), extra);
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

#include "models/load_weights.h"

#include "common/error.h"

#include <ATen/core/grad_mode.h>
#include <c10/core/DefaultDtype.h>
#include <c10/util/Exception.h>

#include <set>

namespace tessera {
namespace {

std::string listFew(const std::vector<std::string>& names)
{
    std::string text;
    for (size_t i = 0; i < names.size() && i < 4; ++i)
        text += (i ? ", " : "") + names[i];
    if (names.size() > 4)
        text += ", ... (" + std::to_string(names.size()) + " in all)";
    return text;
}

} // namespace

std::string WeightReport::message() const
{
    std::string text;
    auto part = [&](const char* label, const std::vector<std::string>& names) {
        if (!names.empty())
            text += (text.empty() ? "" : "; ") + std::string(label) + " " + listFew(names);
    };
    part("missing", missing);
    part("unused", unused);
    part("wrong shape", mismatched);
    return text;
}

WeightReport loadWeights(torch::nn::Module& module, const WeightStore& store, const std::string& prefix,
                         LoadMode mode, const std::string& what)
{
    WeightReport report;
    std::set<std::string> used;
    at::NoGradGuard noGrad;
    auto load = [&](const std::string& name, at::Tensor& target) {
        const std::string key = prefix + name;
        if (!store.contains(key)) {
            report.missing.push_back(key);
            return;
        }
        used.insert(key);
        const TensorInfo& info = store.info(key);
        if (target.sizes() != at::IntArrayRef(info.shape)) {
            report.mismatched.push_back(key + " " + c10::str(at::IntArrayRef(info.shape)) + " (expected "
                                        + c10::str(target.sizes()) + ")");
            return;
        }
        // Straight from the store into the parameter, at its dtype and device.
        if (mode != LoadMode::ShapesOnly)
            store.readInto(key, target);
    };
    for (auto& item : module.named_parameters(true))
        load(item.key(), item.value());
    for (auto& item : module.named_buffers(true))
        load(item.key(), item.value());
    // Keys under the prefix that no module tensor took.
    for (const std::string& key : store.keys())
        if (key.compare(0, prefix.size(), prefix) == 0 && !used.count(key))
            report.unused.push_back(key);
    if (mode == LoadMode::Strict && !report.ok())
        throw Error(ErrorCode::UnsupportedModel,
                    store.context() + ": weights do not fit " + what + ": " + report.message());
    return report;
}

DefaultDtypeGuard::DefaultDtypeGuard(at::ScalarType dtype) : m_previous(c10::get_default_dtype())
{
    c10::set_default_dtype(caffe2::TypeMeta::fromScalarType(dtype));
}

DefaultDtypeGuard::~DefaultDtypeGuard()
{
    c10::set_default_dtype(m_previous);
}

} // namespace tessera

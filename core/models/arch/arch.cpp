#include "models/arch/arch.h"

#include "common/error.h"

#include <torch/nn/modules/container/any.h>

#include <set>

namespace tessera {

void registerAtPath(torch::nn::Module& root, const std::string& path, std::shared_ptr<torch::nn::Module> child)
{
    torch::nn::Module* parent = &root;
    size_t start = 0;
    while (true) {
        const size_t dot = path.find('.', start);
        const std::string name = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (dot == std::string::npos) {
            parent->register_module(name, std::move(child));
            return;
        }
        auto children = parent->named_children();
        std::shared_ptr<torch::nn::Module> next;
        if (const auto* found = children.find(name))
            next = *found;
        else
            next = parent->register_module(name, std::make_shared<torch::nn::Module>());
        parent = next.get();
        start = dot + 1;
    }
}

torch::nn::Conv2d makeConv(int64_t in, int64_t out, int64_t kernel, bool bias, int64_t groups, int64_t stride,
                           int64_t padding)
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel)
                                 .padding(padding < 0 ? kernel / 2 : padding)
                                 .stride(stride)
                                 .groups(groups)
                                 .bias(bias));
}

void loadWeights(torch::nn::Module& net, const StateDict& stateDict, const std::string& architecture)
{
    std::vector<std::string> missing, mismatched;
    std::set<std::string> used;
    torch::NoGradGuard noGrad;
    auto copyInto = [&](const std::string& name, at::Tensor& target) {
        const auto found = stateDict.find(name);
        if (found == stateDict.end()) {
            missing.push_back(name);
            return;
        }
        used.insert(name);
        if (found->second.sizes() != target.sizes()) {
            mismatched.push_back(name + " " + c10::str(found->second.sizes()) + " (expected "
                                 + c10::str(target.sizes()) + ")");
            return;
        }
        target.copy_(found->second);
    };
    for (auto& item : net.named_parameters(true))
        copyInto(item.key(), item.value());
    for (auto& item : net.named_buffers(true))
        copyInto(item.key(), item.value());
    std::vector<std::string> unexpected;
    for (const auto& [key, value] : stateDict)
        if (!used.count(key))
            unexpected.push_back(key);
    if (missing.empty() && mismatched.empty() && unexpected.empty())
        return;
    auto few = [](const std::vector<std::string>& keys) {
        std::string text;
        for (size_t i = 0; i < keys.size() && i < 4; ++i)
            text += (i ? ", " : "") + keys[i];
        if (keys.size() > 4)
            text += ", ... (" + std::to_string(keys.size()) + " in all)";
        return text;
    };
    std::string message = "weights do not fit the detected " + architecture + " network:";
    if (!missing.empty())
        message += " missing " + few(missing) + ";";
    if (!unexpected.empty())
        message += " unexpected " + few(unexpected) + ";";
    if (!mismatched.empty())
        message += " wrong shape " + few(mismatched) + ";";
    message.pop_back();
    throw Error(ErrorCode::UnsupportedModel, message);
}

bool hasKey(const StateDict& stateDict, const std::string& key)
{
    return stateDict.count(key) != 0;
}

const at::Tensor& tensorAt(const StateDict& stateDict, const std::string& key, int dims)
{
    const auto found = stateDict.find(key);
    if (found == stateDict.end())
        throw Error(ErrorCode::UnsupportedModel, "the weights lack '" + key + "'");
    if (dims >= 0 && found->second.dim() != dims)
        throw Error(ErrorCode::UnsupportedModel, "'" + key + "' has " + std::to_string(found->second.dim())
                                                     + " dimensions, expected " + std::to_string(dims));
    return found->second;
}

int countIndexed(const StateDict& stateDict, const std::string& prefix, const std::string& suffix)
{
    int count = 0;
    while (hasKey(stateDict, prefix + std::to_string(count) + suffix))
        ++count;
    return count;
}

} // namespace tessera

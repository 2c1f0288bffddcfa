#include "models/arch/arch.h"

#include "common/error.h"

#include <torch/nn/modules/container/any.h>


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

bool hasKey(const WeightStore& weights, const std::string& key)
{
    return weights.contains(key);
}

const TensorInfo& tensorAt(const WeightStore& weights, const std::string& key, int dims)
{
    if (!weights.contains(key))
        throw Error(ErrorCode::UnsupportedModel, "the weights lack '" + key + "'");
    const TensorInfo& info = weights.info(key);
    if (dims >= 0 && info.dim() != dims)
        throw Error(ErrorCode::UnsupportedModel, "'" + key + "' has " + std::to_string(info.dim())
                                                     + " dimensions, expected " + std::to_string(dims));
    return info;
}

int countIndexed(const WeightStore& weights, const std::string& prefix, const std::string& suffix)
{
    int count = 0;
    while (hasKey(weights, prefix + std::to_string(count) + suffix))
        ++count;
    return count;
}

} // namespace tessera

#include "models/arch/arch.h"

#include "common/error.h"

#include <torch/nn/modules/container/any.h>


namespace tessera {

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

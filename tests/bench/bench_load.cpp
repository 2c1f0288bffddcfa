#include "bench_load.h"

#include "common/error.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace tessera::bench {
namespace {

constexpr int64_t kWidth = 4096; // each layer: weight [4096, 4096] + bias [4096], 32 MiB in fp16

} // namespace

LinearStack::LinearStack(const WeightStore& layout)
{
    // A ModuleList names its children "0", "1", ...: parameters "layers.<i>.weight".
    torch::nn::ModuleList layers = register_module("layers", torch::nn::ModuleList());
    for (int i = 0; layout.contains("layers." + std::to_string(i) + ".weight"); ++i) {
        const TensorInfo& weight = layout.info("layers." + std::to_string(i) + ".weight"); // [out, in]
        layers->push_back(torch::nn::Linear(torch::nn::LinearOptions(weight.size(1), weight.size(0))));
    }
}

void writeLinearStackFile(const std::string& path, int64_t bytes)
{
    const int64_t layerBytes = (kWidth * kWidth + kWidth) * 2;
    const int64_t layers = std::max<int64_t>(1, (bytes + layerBytes / 2) / layerBytes);
    // The header: keys sorted as safetensors writers do; data in that order.
    std::vector<std::string> keys;
    for (int64_t i = 0; i < layers; ++i) {
        keys.push_back("layers." + std::to_string(i) + ".bias");
        keys.push_back("layers." + std::to_string(i) + ".weight");
    }
    std::sort(keys.begin(), keys.end());
    std::string header = "{";
    uint64_t offset = 0;
    for (const std::string& key : keys) {
        const bool weight = key.size() > 7 && key.compare(key.size() - 7, 7, ".weight") == 0;
        const uint64_t size = uint64_t(weight ? kWidth * kWidth : kWidth) * 2;
        header += (offset ? "," : "") + std::string("\"") + key + "\":{\"dtype\":\"F16\",\"shape\":["
                  + (weight ? std::to_string(kWidth) + "," : std::string()) + std::to_string(kWidth)
                  + "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + size) + "]}";
        offset += size;
    }
    header += "}";
    while (header.size() % 8)
        header.push_back(' ');

    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        throw Error(ErrorCode::Io, path + ": cannot create the file");
    for (int i = 0; i < 8; ++i)
        out.put(char(uint64_t(header.size()) >> (8 * i)));
    out << header;
    for (const std::string& key : keys) {
        const bool weight = key.compare(key.size() - 7, 7, ".weight") == 0;
        const at::Tensor values = weight ? (at::randn({kWidth, kWidth}) * 0.02).to(at::kHalf)
                                         : at::zeros({kWidth}, at::kHalf);
        out.write(static_cast<const char*>(values.data_ptr()), std::streamsize(values.numel() * 2));
    }
    if (!out.flush())
        throw Error(ErrorCode::Io, path + ": writing failed");
}

} // namespace tessera::bench

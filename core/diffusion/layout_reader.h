#pragma once
/// Reading one network's tensor shapes below a key prefix, for the config
/// inference of the UNet, the VAE and the text encoders: every refusal is
/// Error(UnsupportedModel) "<file>: not <network> layout: <full key> <why>".

#include "common/error.h"
#include "models/loaders/weight_store.h"

#include <c10/util/StringUtil.h>

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::sd {

class LayoutReader {
public:
    /// `network` names the layout in refusals, with its article ("an SD 1.x / SDXL UNet").
    LayoutReader(const WeightStore& store, std::string prefix, std::string network)
        : m_store(store), m_prefix(std::move(prefix)), m_network(std::move(network))
    {
    }

    bool has(const std::string& key) const { return m_store.contains(m_prefix + key); }

    /// The index entry of `key`; refuses when it is missing.
    const TensorInfo& info(const std::string& key) const
    {
        if (!has(key))
            fail(key, "is missing");
        return m_store.info(m_prefix + key);
    }

    /// Extent of dimension `d` of `key`, which must have `rank` dimensions.
    int64_t size(const std::string& key, int64_t rank, int64_t d) const
    {
        const TensorInfo& tensor = info(key);
        if (tensor.dim() != rank)
            fail(key, "has " + std::to_string(tensor.dim()) + " dimensions, expected " + std::to_string(rank));
        return tensor.size(d);
    }

    /// Refuses unless `key` exists with exactly `expected` as its shape.
    void expectShape(const std::string& key, const std::vector<int64_t>& expected) const
    {
        const std::vector<int64_t>& shape = info(key).shape;
        if (shape != expected)
            fail(key, "has shape " + c10::str(at::IntArrayRef(shape)) + ", expected "
                          + c10::str(at::IntArrayRef(expected)));
    }

    /// How many of "<stem>0<rest>", "<stem>1<rest>", ... exist, counting from 0.
    int64_t count(const std::string& stem, const std::string& rest) const
    {
        int64_t n = 0;
        while (has(stem + std::to_string(n) + rest))
            ++n;
        return n;
    }

    [[noreturn]] void fail(const std::string& key, const std::string& why) const
    {
        throw Error(ErrorCode::UnsupportedModel,
                    m_store.context() + ": not " + m_network + " layout: " + m_prefix + key + " " + why);
    }

private:
    const WeightStore& m_store;
    std::string m_prefix;
    std::string m_network;
};

} // namespace tessera::sd

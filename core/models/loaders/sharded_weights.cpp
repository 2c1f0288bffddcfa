#include "models/loaders/sharded_weights.h"

#include "common/error.h"
#include "common/regular_file.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <vector>

namespace tessera {
namespace {

namespace fs = std::filesystem;

/// The shards' tensors under one index; each key remembers its shard.
class ShardedStore final : public WeightStore {
public:
    explicit ShardedStore(const std::string& indexPath) : WeightStore(indexPath, indexPath) {}

    const WeightStore& addShard(std::unique_ptr<WeightStore> shard)
    {
        const size_t shardIndex = m_shards.size();
        for (const std::string& key : shard->keys()) {
            addTensor(key, shard->info(key), m_slots.size());
            m_slots.push_back({shardIndex, key});
        }
        m_shards.push_back(std::move(shard));
        return *m_shards.back();
    }

private:
    void copyTensor(size_t slot, at::Tensor& destination) const override
    {
        const auto& [shard, key] = m_slots[slot];
        m_shards[shard]->readInto(key, destination);
    }

    std::vector<std::unique_ptr<WeightStore>> m_shards;
    std::vector<std::pair<size_t, std::string>> m_slots;
};

[[noreturn]] void invalid(const std::string& indexPath, const std::string& why)
{
    throw Error(ErrorCode::InvalidModel, indexPath + ": not a usable shard index: " + why);
}

} // namespace

bool isShardIndex(const std::string& path)
{
    const std::string suffix = ".index.json";
    return path.size() > suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::unique_ptr<WeightStore> openShardedWeights(const std::string& indexPath)
{
    // An index lists tens of thousands of keys at most; a file far larger is not one.
    constexpr uint64_t kMaxIndexBytes = uint64_t(64) << 20;
    const std::string text = readRegularFile(indexPath, kMaxIndexBytes);
    nlohmann::json index;
    try {
        index = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        invalid(indexPath, std::string("invalid JSON (") + e.what() + ")");
    }
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
        invalid(indexPath, "no \"weight_map\" object");

    // Each shard once, in the order the index first names it.
    std::map<std::string, std::vector<std::string>> keysOfShard;
    std::vector<std::string> shardOrder;
    for (const auto& [key, shard] : index["weight_map"].items()) {
        if (!shard.is_string())
            invalid(indexPath, "the shard of '" + key + "' is not a file name");
        const std::string name = shard.get<std::string>();
        if (name.empty() || fs::path(name).has_parent_path() || name == "." || name == "..")
            invalid(indexPath, "shard '" + name + "' is not a file name in the index's folder");
        if (!keysOfShard.count(name))
            shardOrder.push_back(name);
        keysOfShard[name].push_back(key);
    }
    if (shardOrder.empty())
        invalid(indexPath, "the weight_map is empty");

    auto store = std::make_unique<ShardedStore>(indexPath);
    const fs::path folder = fs::path(indexPath).parent_path();
    for (const std::string& name : shardOrder) {
        const fs::path shardPath = folder / name;
        std::error_code ec;
        if (!fs::exists(shardPath, ec))
            throw Error(ErrorCode::Io, indexPath + ": shard " + name + " is missing (looked for " + shardPath.string() + ")");
        const WeightStore& shard = store->addShard(openWeightStore(shardPath.string()));
        for (const std::string& key : keysOfShard[name])
            if (!shard.contains(key))
                invalid(indexPath, "'" + key + "' is mapped to " + name + ", which does not hold it");
    }
    return store;
}

} // namespace tessera

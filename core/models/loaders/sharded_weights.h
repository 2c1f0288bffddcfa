#pragma once
/// Hugging Face sharded weights: a large model saved as several files plus
/// an index, "<name>.safetensors.index.json" (or ".bin.index.json"):
///   {"metadata": {...}, "weight_map": {"key": "<name>-00001-of-00002.safetensors", ...}}
/// presented as one WeightStore over its shards (each opened with
/// openWeightStore(), indexed from its header alone).

#include "models/loaders/weight_store.h"

#include <memory>
#include <string>

namespace tessera {

/// True when `path` names a shard index (ends in ".index.json").
bool isShardIndex(const std::string& path);

/// Opens the shards the index at `indexPath` names, from the index's folder.
/// Throws Error(Io) naming the index and the shard when a shard cannot be
/// read, Error(InvalidModel) naming the index when it is not valid JSON, has
/// no weight_map, names a shard outside its folder, or maps a key to a shard
/// that does not hold it; and what openWeightStore() throws for a corrupt shard.
std::unique_ptr<WeightStore> openShardedWeights(const std::string& indexPath);

} // namespace tessera

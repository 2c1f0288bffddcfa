#pragma once
/// The .safetensors format: 8-byte little-endian header size, a JSON header
/// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}},
/// then the raw tensor bytes. Nothing in it can execute.

#include "models/state_dict.h"

#include <map>
#include <memory>
#include <string>

namespace tessera {

class MappedFile;
class WeightStore;

/// Indexes a mapped .safetensors file from its header (internal: use
/// openWeightStore()). Every header field is validated: sizes, offsets inside
/// the data section (a file shorter than its header claims is refused), no
/// overlaps, size == shape x dtype. F32, F16, BF16, F64, I64 and I32 are read; F8_E4M3
/// and F8_E5M2 where LibTorch has them (2.1 and later); other dtypes are
/// refused. Throws Error(InvalidModel) naming the file on any problem.
std::unique_ptr<WeightStore> openSafetensors(std::shared_ptr<const MappedFile> file);

/// Writes `stateDict` to `path` (keys sorted, tensors in their own dtype when
/// F32/F16/BF16/F64/I64/I32, others converted to F32). `metadata` goes to "__metadata__".
/// Writes a temporary file beside `path` and renames it. Throws Error(Io).
void saveSafetensors(const std::string& path, const StateDict& stateDict,
                     const std::map<std::string, std::string>& metadata = {});

} // namespace tessera

#pragma once
/// The .safetensors format: 8-byte little-endian header size, a JSON header
/// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}},
/// then the raw tensor bytes. Nothing in it can execute.

#include "models/state_dict.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera {

/// Parses a .safetensors image in memory. Every header field is validated
/// (sizes, offsets inside the data section, no overlaps, size == shape x dtype).
/// F32, F16, BF16 and F64 tensors are converted to float32; other dtypes are
/// refused. Throws Error(InvalidModel) naming `context` on any problem.
StateDict parseSafetensors(const std::vector<uint8_t>& bytes, const std::string& context);

/// Reads `path` and parses it with parseSafetensors().
StateDict loadSafetensors(const std::string& path);

/// Writes `stateDict` to `path` (keys sorted, tensors in their own dtype when
/// F32/F16/BF16/F64, others converted to F32). `metadata` goes to "__metadata__".
/// Writes a temporary file beside `path` and renames it. Throws Error(Io).
void saveSafetensors(const std::string& path, const StateDict& stateDict,
                     const std::map<std::string, std::string>& metadata = {});

} // namespace tessera

#pragma once
/// PyTorch checkpoints (.pth/.pt/.ckpt) in both torch.save formats, read with
/// the restricted unpickler (see restricted_unpickler.h):
///  - zip (torch >= 1.6): <archive>/data.pkl plus one stored entry
///    <archive>/data/<key> per storage;
///  - legacy (torch < 1.6): magic number, protocol version and sys_info
///    pickles, the main pickle, a pickled list of storage keys, then for each
///    storage an int64 element count and its raw little-endian bytes.

#include "models/state_dict.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

/// True when `bytes` starts like a zip archive ("PK\3\4").
bool looksLikeZip(const std::vector<uint8_t>& bytes);

/// Reads a zip-format checkpoint image; `context` names the file in errors.
/// Returns the unwrapped state dict (see loadStateDict()).
StateDict parsePthZip(const std::vector<uint8_t>& bytes, const std::string& context);

/// Reads a legacy (pre-1.6) checkpoint image.
StateDict parsePthLegacy(const std::vector<uint8_t>& bytes, const std::string& context);

} // namespace tessera

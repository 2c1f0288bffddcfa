#pragma once
/// PyTorch checkpoints (.pth/.pt/.ckpt) in both torch.save formats, read with
/// the restricted unpickler (see restricted_unpickler.h):
///  - zip (torch >= 1.6): <archive>/data.pkl plus one stored entry
///    <archive>/data/<key> per storage;
///  - legacy (torch < 1.6): magic number, protocol version and sys_info
///    pickles, the main pickle, a pickled list of storage keys, then for each
///    storage an int64 element count and its raw little-endian bytes.
/// Internal: use openWeightStore(). Both index the file from its zip
/// directory and pickles; storage bytes are read when a tensor is. Both throw
/// Error(InvalidModel) naming the file when it is corrupt, truncated or unsafe.

#include <memory>

namespace tessera {

class MappedFile;
class WeightStore;

/// Indexes a mapped zip-format checkpoint.
std::unique_ptr<WeightStore> openPthZip(std::shared_ptr<const MappedFile> file);

/// Indexes a mapped legacy (pre-1.6) checkpoint.
std::unique_ptr<WeightStore> openPthLegacy(std::shared_ptr<const MappedFile> file);

} // namespace tessera

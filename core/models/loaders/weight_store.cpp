#include "models/loaders/weight_store.h"

#include "common/error.h"
#include "models/loaders/little_endian.h"
#include "models/loaders/mapped_file.h"
#include "models/loaders/pth.h"
#include "models/loaders/safetensors.h"

#include <c10/util/Exception.h>

namespace tessera {

int64_t TensorInfo::size(int64_t d) const
{
    const int64_t n = dim();
    if (d < -n || d >= n)
        throw Error(ErrorCode::Internal, "dimension " + std::to_string(d) + " of a " + std::to_string(n)
                                             + "-dimensional tensor");
    return shape[size_t(d < 0 ? d + n : d)];
}

int64_t TensorInfo::numel() const
{
    int64_t count = 1;
    for (int64_t extent : shape)
        count *= extent;
    return count;
}

WeightStore::WeightStore(std::string path, std::string context)
    : m_path(std::move(path)), m_context(std::move(context))
{
}

std::vector<std::string> WeightStore::keys() const
{
    std::vector<std::string> keys;
    keys.reserve(m_index.size());
    for (const auto& [key, entry] : m_index)
        keys.push_back(key);
    return keys;
}

bool WeightStore::contains(const std::string& key) const
{
    return m_index.count(key) != 0;
}

const WeightStore::Entry& WeightStore::entry(const std::string& key) const
{
    const auto found = m_index.find(key);
    if (found == m_index.end())
        throw Error(ErrorCode::InvalidArgument, m_context + ": no tensor '" + key + "'");
    return found->second;
}

const TensorInfo& WeightStore::info(const std::string& key) const
{
    return entry(key).info;
}

int64_t WeightStore::parameterCount() const
{
    int64_t count = 0;
    for (const auto& [key, entry] : m_index)
        count += entry.info.numel();
    return count;
}

at::Tensor WeightStore::read(const std::string& key) const
{
    return read(key, info(key).dtype, c10::Device(c10::DeviceType::CPU));
}

at::Tensor WeightStore::read(const std::string& key, at::ScalarType dtype, c10::Device device) const
{
    const Entry& found = entry(key);
    at::Tensor result = at::empty(found.info.shape, at::TensorOptions().dtype(dtype).device(device));
    copyTensor(found.slot, result);
    return result;
}

void WeightStore::readInto(const std::string& key, at::Tensor& destination) const
{
    const Entry& found = entry(key);
    if (destination.sizes() != at::IntArrayRef(found.info.shape))
        throw Error(ErrorCode::InvalidArgument, m_context + ": tensor '" + key + "' is "
                                                    + c10::str(at::IntArrayRef(found.info.shape)) + ", not "
                                                    + c10::str(destination.sizes()));
    copyTensor(found.slot, destination);
}

void WeightStore::addTensor(const std::string& key, TensorInfo info, size_t slot)
{
    static const std::string kDataParallel = "module.";
    const std::string name = key.rfind(kDataParallel, 0) == 0 ? key.substr(kDataParallel.size()) : key;
    if (!m_index.emplace(name, Entry{std::move(info), slot}).second)
        throw Error(ErrorCode::InvalidModel, m_context + ": tensor '" + name + "' appears twice"
                                                 + (name != key ? " (with and without \"module.\")" : ""));
}

namespace {

bool startsJsonValue(uint8_t c)
{
    return c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f'
           || c == 'n' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

} // namespace

std::unique_ptr<WeightStore> openWeightStore(const std::string& path)
{
    auto file = std::make_shared<const MappedFile>(path);
    const uint8_t* bytes = file->data();
    const uint64_t size = file->size();
    std::unique_ptr<WeightStore> store;
    // safetensors first: its u64 header size may itself begin with the bytes
    // of a pickle PROTO opcode (a 1152-byte header is 80 04 00 ...). Any JSON
    // value counts, so a header that is not an object is refused as such.
    const bool safetensors = size >= 9 && readLe(bytes, 8) <= size - 8 && startsJsonValue(bytes[8]);
    if (safetensors)
        store = openSafetensors(file);
    else if (size >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4)
        store = openPthZip(file);
    else if (size >= 2 && bytes[0] == 0x80 && bytes[1] <= 5) // a pickle PROTO opcode
        store = openPthLegacy(file);
    else if (size >= 9 && bytes[8] == '{') // safetensors claiming more header than the file has
        store = openSafetensors(file);
    else
        throw Error(ErrorCode::InvalidModel,
                    path + ": not a PyTorch checkpoint or safetensors file (unrecognised first bytes)");
    // Indexing touched the header, pickle and zip directory: give those pages back.
    file->release(0, size);
    return store;
}

StateDictStore::StateDictStore(StateDict tensors, std::string context) : WeightStore("", std::move(context))
{
    for (auto& [key, tensor] : tensors) {
        addTensor(key, TensorInfo{tensor.scalar_type(), tensor.sizes().vec()}, m_tensors.size());
        m_tensors.push_back(std::move(tensor));
    }
}

void StateDictStore::copyTensor(size_t slot, at::Tensor& destination) const
{
    destination.copy_(m_tensors[slot]);
}

ShapeOnlyStore::ShapeOnlyStore(const std::vector<TensorDecl>& tensors, std::string context)
    : WeightStore("", std::move(context))
{
    for (const TensorDecl& tensor : tensors) {
        addTensor(tensor.key, TensorInfo{tensor.dtype, tensor.shape}, m_keys.size());
        m_keys.push_back(tensor.key);
    }
}

void ShapeOnlyStore::copyTensor(size_t slot, at::Tensor&) const
{
    throw Error(ErrorCode::InvalidArgument,
                context() + ": '" + m_keys[slot] + "' has a shape but no data (a shape-only store cannot be read)");
}

} // namespace tessera

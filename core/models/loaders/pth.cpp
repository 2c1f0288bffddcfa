#include "models/loaders/pth.h"

#include "common/error.h"
#include "models/loaders/little_endian.h"
#include "models/loaders/mapped_file.h"
#include "models/loaders/pickle_tensors.h"
#include "models/loaders/weight_store.h"

#include <cstring>
#include <map>

namespace tessera {
namespace {

[[noreturn]] void fail(const std::string& context, const std::string& what)
{
    throw Error(ErrorCode::InvalidModel, context + ": invalid checkpoint: " + what);
}

// One stored (uncompressed) zip entry: where its bytes are.
struct ZipEntry {
    uint64_t offset = 0;
    uint64_t size = 0;
};

// Reads the central directory of a zip archive (with zip64 records when
// present). torch.save stores every entry uncompressed, so an entry is a
// byte range of the file; compressed entries are refused.
std::map<std::string, ZipEntry> readZipDirectory(const uint8_t* b, uint64_t n, const std::string& context)
{
    auto le = [&](uint64_t at, int bytes) -> uint64_t {
        if (at > n || uint64_t(bytes) > n - at)
            fail(context, "zip structure runs past the end of the file");
        return readLe(b + at, bytes);
    };
    // End of central directory: 22 bytes plus a comment of up to 65535 bytes.
    if (n < 22)
        fail(context, "too short to be a zip archive");
    int64_t eocd = -1;
    const uint64_t lowest = n > 22 + 65535 ? n - 22 - 65535 : 0;
    for (uint64_t at = n - 22 + 1; at-- > lowest;)
        if (readLe(b + at, 4) == 0x06054b50) {
            eocd = int64_t(at);
            break;
        }
    if (eocd < 0)
        fail(context, "no zip end-of-central-directory record (truncated file?)");
    uint64_t count = le(uint64_t(eocd) + 10, 2);
    uint64_t dirSize = le(uint64_t(eocd) + 12, 4);
    uint64_t dirOffset = le(uint64_t(eocd) + 16, 4);
    if (count == 0xffff || dirSize == 0xffffffff || dirOffset == 0xffffffff) {
        // zip64: a locator sits just before the classic record.
        if (eocd < 20 || le(uint64_t(eocd) - 20, 4) != 0x07064b50)
            fail(context, "zip64 locator missing");
        const uint64_t record = le(uint64_t(eocd) - 20 + 8, 8);
        if (le(record, 4) != 0x06064b50)
            fail(context, "zip64 end-of-central-directory record missing");
        count = le(record + 32, 8);
        dirSize = le(record + 40, 8);
        dirOffset = le(record + 48, 8);
    }
    if (dirOffset > n || dirSize > n - dirOffset || count > dirSize / 46 + 1)
        fail(context, "zip central directory lies outside the file");

    std::map<std::string, ZipEntry> entries;
    uint64_t at = dirOffset;
    for (uint64_t i = 0; i < count; ++i) {
        if (le(at, 4) != 0x02014b50)
            fail(context, "corrupt zip central directory entry");
        const uint64_t method = le(at + 10, 2);
        uint64_t compressed = le(at + 20, 4);
        uint64_t size = le(at + 24, 4);
        const uint64_t nameLength = le(at + 28, 2);
        const uint64_t extraLength = le(at + 30, 2);
        const uint64_t commentLength = le(at + 32, 2);
        uint64_t local = le(at + 42, 4);
        le(at + 46, int(nameLength)); // bounds check of the name
        const std::string name(reinterpret_cast<const char*>(b + at + 46), nameLength);
        // zip64 extra field: the 0xffffffff fields follow in order size, compressed, offset.
        uint64_t extra = at + 46 + nameLength;
        const uint64_t extraEnd = extra + extraLength;
        while (extra + 4 <= extraEnd) {
            const uint64_t id = le(extra, 2);
            const uint64_t length = le(extra + 2, 2);
            if (id == 0x0001) {
                uint64_t field = extra + 4;
                if (size == 0xffffffff) { size = le(field, 8); field += 8; }
                if (compressed == 0xffffffff) { compressed = le(field, 8); field += 8; }
                if (local == 0xffffffff) { local = le(field, 8); field += 8; }
            }
            extra += 4 + length;
        }
        if (method != 0 || compressed != size)
            fail(context, "zip entry '" + name + "' is compressed; torch.save stores entries uncompressed");
        // The local header repeats the name and has its own extra field.
        if (le(local, 4) != 0x04034b50)
            fail(context, "corrupt zip local header for '" + name + "'");
        const uint64_t data = local + 30 + le(local + 26, 2) + le(local + 28, 2);
        if (data > n || size > n - data)
            fail(context, "zip entry '" + name + "' runs past the end of the file");
        entries[name] = {data, size};
        at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
}

/// A checkpoint's tensors as strided views of storages in the mapped file.
class PthStore final : public WeightStore {
public:
    explicit PthStore(std::shared_ptr<const MappedFile> file)
        : WeightStore(file->path(), file->path()), m_file(std::move(file))
    {
    }

    /// Indexes `ref`, whose root storage starts at byte `storageOffset` of the
    /// file and holds `storageBytes` bytes.
    void add(const std::string& key, const pickle::TensorRef& ref, uint64_t storageOffset, uint64_t storageBytes)
    {
        const pickle::StorageRef& storage = ref.storage;
        const uint64_t element = c10::elementSize(storage.dtype);
        const uint64_t needed = uint64_t(storage.numel) * element;
        if (storageBytes < needed)
            fail(context(), "storage '" + storage.key + "' has " + std::to_string(storageBytes)
                                + " bytes but its tensors need " + std::to_string(needed));
        // The unpickler checked that the view lies inside storage.numel elements.
        MappedTensor tensor{storageOffset + uint64_t(storage.viewOffset + ref.offset) * element, storage.dtype,
                            ref.sizes, ref.strides, key};
        addTensor(key, TensorInfo{storage.dtype, ref.sizes}, m_tensors.size());
        m_tensors.push_back(std::move(tensor));
    }

private:
    void copyTensor(size_t slot, at::Tensor& destination) const override
    {
        copyMappedTensor(*m_file, m_tensors[slot], destination);
    }

    std::shared_ptr<const MappedFile> m_file;
    std::vector<MappedTensor> m_tensors;
};

} // namespace

std::unique_ptr<WeightStore> openPthZip(std::shared_ptr<const MappedFile> file)
{
    const std::string& context = file->path();
    const uint8_t* bytes = file->data();
    const std::map<std::string, ZipEntry> entries = readZipDirectory(bytes, file->size(), context);
    // The archive's folder name varies ("archive", "net_g_30000"): find <folder>/data.pkl.
    std::string prefix;
    for (const auto& [name, entry] : entries) {
        const size_t slash = name.find('/');
        if (slash != std::string::npos && name.compare(slash, std::string::npos, "/data.pkl") == 0) {
            prefix = name.substr(0, slash + 1);
            break;
        }
    }
    if (prefix.empty())
        fail(context, "zip archive without a data.pkl (not a torch.save checkpoint)");
    const auto byteorder = entries.find(prefix + "byteorder");
    if (byteorder != entries.end()) {
        const std::string order(reinterpret_cast<const char*>(bytes + byteorder->second.offset),
                                byteorder->second.size);
        if (order != "little")
            fail(context, "written on a " + order + "-endian machine; only little-endian checkpoints are supported");
    }
    const ZipEntry& pkl = entries.at(prefix + "data.pkl");
    pickle::MemoryBudget budget(file->size());
    const pickle::Unpickled root = pickle::unpickle(bytes + pkl.offset, pkl.size, context, budget);
    auto store = std::make_unique<PthStore>(file);
    for (const auto& [key, ref] : weightTensors(*root.value, context)) {
        const auto found = entries.find(prefix + "data/" + ref.storage.key);
        if (found == entries.end())
            fail(context, "storage '" + ref.storage.key + "' is missing from the archive");
        store->add(key, ref, found->second.offset, found->second.size);
    }
    return store;
}

std::unique_ptr<WeightStore> openPthLegacy(std::shared_ptr<const MappedFile> file)
{
    const std::string& context = file->path();
    const uint8_t* bytes = file->data();
    const uint64_t size = file->size();
    uint64_t pos = 0;
    // One budget for the file's five pickles: any of them may be the hostile one.
    pickle::MemoryBudget budget(size);
    auto next = [&]() {
        const pickle::Unpickled u = pickle::unpickle(bytes + pos, size - pos, context, budget);
        pos += u.consumed;
        return u.value;
    };
    // 0x1950a86a20f9469cfc6c as a little-endian LONG1.
    static const uint8_t kMagic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
    const pickle::ValuePtr magic = next();
    if (magic->kind != pickle::Kind::BigInt || magic->text.size() != sizeof(kMagic)
        || std::memcmp(magic->text.data(), kMagic, sizeof(kMagic)) != 0)
        fail(context, "not a torch.save file (wrong magic number)");
    const pickle::ValuePtr protocol = next();
    if (protocol->kind != pickle::Kind::Int || protocol->integer != 1001)
        fail(context, "unknown legacy protocol version");
    const pickle::ValuePtr sysInfo = next();
    if (const pickle::ValuePtr little = pickle::dictGet(*sysInfo, "little_endian");
        little && little->kind == pickle::Kind::Bool && !little->boolean)
        fail(context, "written on a big-endian machine; only little-endian checkpoints are supported");
    const pickle::Unpickled main = pickle::unpickle(bytes + pos, size - pos, context, budget);
    pos += main.consumed;
    const pickle::ValuePtr keys = next();
    if (keys->kind != pickle::Kind::List)
        fail(context, "storage key list missing");

    // A storage's dtype is known only from the persistent ids that name it.
    std::map<std::string, at::ScalarType> dtypes;
    for (const pickle::StorageRef& ref : main.storages) {
        const auto [it, inserted] = dtypes.emplace(ref.key, ref.dtype);
        if (!inserted && it->second != ref.dtype)
            fail(context, "storage '" + ref.key + "' is named with two different types");
    }
    // The raw storages follow in key order: int64 element count, then the
    // bytes. Only the counts are read here; the bytes when a tensor is.
    struct Raw {
        uint64_t offset;
        uint64_t bytes;
    };
    std::map<std::string, Raw> raws;
    for (const pickle::ValuePtr& key : keys->items) {
        if (key->kind != pickle::Kind::String)
            fail(context, "storage key is not a string");
        const auto dtype = dtypes.find(key->text);
        if (dtype == dtypes.end())
            fail(context, "storage '" + key->text + "' is listed but no tensor names its type");
        if (size - pos < 8)
            fail(context, "truncated before storage '" + key->text + "'");
        const uint64_t numel = readLe(bytes + pos, 8);
        pos += 8;
        const uint64_t element = c10::elementSize(dtype->second);
        if (numel > (size - pos) / element)
            fail(context, "storage '" + key->text + "' runs past the end of the file (truncated?)");
        raws[key->text] = {pos, numel * element};
        pos += numel * element;
    }
    auto store = std::make_unique<PthStore>(file);
    for (const auto& [key, ref] : weightTensors(*main.value, context)) {
        const auto found = raws.find(ref.storage.key);
        if (found == raws.end())
            fail(context, "storage '" + ref.storage.key + "' is missing from the file");
        store->add(key, ref, found->second.offset, found->second.bytes);
    }
    return store;
}

} // namespace tessera

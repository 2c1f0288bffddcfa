#include "models/loaders/safetensors.h"

#include "common/error.h"
#include "common/torch_compat.h"
#include "models/loaders/little_endian.h"
#include "models/loaders/mapped_file.h"
#include "models/loaders/weight_store.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>

namespace tessera {
namespace {

// A header larger than this is not a weights file (real ones are a few hundred KiB).
constexpr uint64_t kMaxHeaderBytes = 100ull << 20;

[[noreturn]] void fail(const std::string& context, const std::string& what)
{
    throw Error(ErrorCode::InvalidModel, context + ": invalid safetensors file: " + what);
}

struct DtypeInfo {
    const char* name;
    at::ScalarType type;
    int size;
    bool available; ///< this LibTorch has the dtype
};

#if TESSERA_HAVE_FLOAT8
constexpr const char* kSupportedDtypes = "F32, F16, BF16, F64, I64, I32, F8_E4M3 and F8_E5M2";
#else
constexpr const char* kSupportedDtypes = "F32, F16, BF16, F64, I64 and I32";
#endif

const DtypeInfo* findDtype(const std::string& name)
{
    static const DtypeInfo kDtypes[] = {
        {"F32", at::kFloat, 4, true},
        {"F16", at::kHalf, 2, true},
        {"BF16", at::kBFloat16, 2, true},
        {"F64", at::kDouble, 8, true},
        // Integer tensors: token ids in test fixtures, step counters some trainers save.
        {"I64", at::kLong, 8, true},
        {"I32", at::kInt, 4, true},
#if TESSERA_HAVE_FLOAT8
        {"F8_E4M3", at::ScalarType::Float8_e4m3fn, 1, true},
        {"F8_E5M2", at::ScalarType::Float8_e5m2, 1, true},
#else
        // Known, so the refusal can say what is missing; the dtype stands in and is never used.
        {"F8_E4M3", at::kByte, 1, false},
        {"F8_E5M2", at::kByte, 1, false},
#endif
    };
    for (const DtypeInfo& d : kDtypes)
        if (name == d.name)
            return &d;
    return nullptr;
}

const char* dtypeName(at::ScalarType type)
{
    switch (type) {
    case at::kHalf: return "F16";
    case at::kBFloat16: return "BF16";
    case at::kDouble: return "F64";
    case at::kLong: return "I64";
    case at::kInt: return "I32";
    default: return "F32";
    }
}

class SafetensorsStore final : public WeightStore {
public:
    explicit SafetensorsStore(std::shared_ptr<const MappedFile> file);

private:
    void copyTensor(size_t slot, at::Tensor& destination) const override
    {
        copyMappedTensor(*m_file, m_tensors[slot], destination);
    }

    std::shared_ptr<const MappedFile> m_file;
    std::vector<MappedTensor> m_tensors;
};

SafetensorsStore::SafetensorsStore(std::shared_ptr<const MappedFile> file)
    : WeightStore(file->path(), file->path()), m_file(std::move(file))
{
    const std::string& context = m_file->path();
    const uint8_t* bytes = m_file->data();
    const uint64_t fileSize = m_file->size();
    if (fileSize < 8)
        fail(context, "shorter than the 8-byte header size");
    const uint64_t headerSize = readLe(bytes, 8);
    if (headerSize > fileSize - 8)
        fail(context, "header size " + std::to_string(headerSize) + " runs past the end of the file ("
                          + std::to_string(fileSize) + " bytes)");
    if (headerSize > kMaxHeaderBytes || headerSize < 2)
        fail(context, "implausible header size " + std::to_string(headerSize));

    nlohmann::json header;
    try {
        header = nlohmann::json::parse(bytes + 8, bytes + 8 + headerSize);
    } catch (const nlohmann::json::exception& e) {
        fail(context, std::string("header is not valid JSON (") + e.what() + ")");
    }
    if (!header.is_object())
        fail(context, "header is not a JSON object");

    const uint64_t dataStart = 8 + headerSize;
    const uint64_t dataSize = fileSize - dataStart;

    struct Range {
        uint64_t begin, end;
        std::string name;
    };
    std::vector<Range> ranges;
    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string& name = it.key();
        const nlohmann::json& entry = it.value();
        if (name == "__metadata__") {
            if (!entry.is_object())
                fail(context, "__metadata__ is not an object");
            for (auto item = entry.begin(); item != entry.end(); ++item)
                m_metadata[item.key()] = item.value().is_string() ? item.value().get<std::string>() : item.value().dump();
            continue;
        }
        if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape")
            || !entry.contains("data_offsets"))
            fail(context, "tensor '" + name + "' lacks dtype, shape or data_offsets");
        const nlohmann::json& dtypeJson = entry["dtype"];
        const nlohmann::json& shapeJson = entry["shape"];
        const nlohmann::json& offsetsJson = entry["data_offsets"];
        if (!dtypeJson.is_string() || !shapeJson.is_array() || !offsetsJson.is_array() || offsetsJson.size() != 2
            || !offsetsJson[0].is_number_unsigned() || !offsetsJson[1].is_number_unsigned())
            fail(context, "tensor '" + name + "' has a malformed dtype, shape or data_offsets");
        const std::string dtypeText = dtypeJson.get<std::string>();
        const DtypeInfo* dtype = findDtype(dtypeText);
        if (!dtype)
            fail(context, "tensor '" + name + "' has dtype " + dtypeText + "; only " + kSupportedDtypes
                              + " weights are supported");
        if (!dtype->available)
            fail(context, "tensor '" + name + "' has dtype " + dtypeText
                              + ", which needs a build against LibTorch 2.1 or later");
        if (shapeJson.size() > 8)
            fail(context, "tensor '" + name + "' has more than 8 dimensions");
        std::vector<int64_t> shape;
        uint64_t numel = 1;
        for (const nlohmann::json& dim : shapeJson) {
            if (!dim.is_number_unsigned())
                fail(context, "tensor '" + name + "' has a negative or non-integer dimension");
            const uint64_t d = dim.get<uint64_t>();
            if (d > dataSize || (d != 0 && numel > dataSize / d))
                fail(context, "tensor '" + name + "' has a shape larger than the file");
            numel *= d;
            shape.push_back(static_cast<int64_t>(d));
        }
        const uint64_t begin = offsetsJson[0].get<uint64_t>();
        const uint64_t end = offsetsJson[1].get<uint64_t>();
        if (begin > end || end > dataSize)
            fail(context, "tensor '" + name + "' data_offsets [" + std::to_string(begin) + ", "
                              + std::to_string(end) + "] lie outside the data section ("
                              + std::to_string(dataSize) + " bytes)"
                              + (begin <= end ? ": the file is shorter than its header claims (truncated?)" : ""));
        if (end - begin != numel * uint64_t(dtype->size))
            fail(context, "tensor '" + name + "' occupies " + std::to_string(end - begin)
                              + " bytes but its shape and dtype need " + std::to_string(numel * dtype->size));
        ranges.push_back({begin, end, name});

        // Contiguous, row-major: strides from the shape, in elements.
        std::vector<int64_t> strides(shape.size(), 1);
        for (size_t d = shape.size(); d-- > 1;)
            strides[d - 1] = strides[d] * shape[d];
        addTensor(name, TensorInfo{dtype->type, shape}, m_tensors.size());
        m_tensors.push_back(MappedTensor{dataStart + begin, dtype->type, std::move(shape), std::move(strides), name});
    }

    // Empty tensors hold no bytes and overlap nothing (writers put them at the next tensor's offset).
    ranges.erase(std::remove_if(ranges.begin(), ranges.end(), [](const Range& r) { return r.begin == r.end; }),
                 ranges.end());
    std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });
    for (size_t i = 1; i < ranges.size(); ++i)
        if (ranges[i].begin < ranges[i - 1].end)
            fail(context, "tensors '" + ranges[i - 1].name + "' and '" + ranges[i].name + "' overlap");
}

} // namespace

std::unique_ptr<WeightStore> openSafetensors(std::shared_ptr<const MappedFile> file)
{
    return std::make_unique<SafetensorsStore>(std::move(file));
}

void saveSafetensors(const std::string& path, const StateDict& stateDict,
                     const std::map<std::string, std::string>& metadata)
{
    nlohmann::json header = nlohmann::json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::vector<at::Tensor> tensors;
    uint64_t offset = 0;
    for (const auto& [name, value] : stateDict) {
        at::Tensor t = value.detach().to(at::kCPU);
        const at::ScalarType type = t.scalar_type();
        if (type != at::kFloat && type != at::kHalf && type != at::kBFloat16 && type != at::kDouble
            && type != at::kLong && type != at::kInt)
            t = t.to(at::kFloat);
        t = t.contiguous();
        const uint64_t size = uint64_t(t.numel()) * t.element_size();
        header[name] = {{"dtype", dtypeName(t.scalar_type())},
                        {"shape", t.sizes().vec()},
                        {"data_offsets", {offset, offset + size}}};
        offset += size;
        tensors.push_back(t);
    }
    std::string text = header.dump();
    // Pad with spaces so the data section starts 8-byte aligned.
    while ((text.size() % 8) != 0)
        text.push_back(' ');

    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error(ErrorCode::Io, temporary + ": cannot create the file");
        uint8_t sizeBytes[8];
        for (int i = 0; i < 8; ++i)
            sizeBytes[i] = uint8_t(uint64_t(text.size()) >> (8 * i));
        out.write(reinterpret_cast<const char*>(sizeBytes), 8);
        out.write(text.data(), std::streamsize(text.size()));
        for (const at::Tensor& t : tensors)
            out.write(static_cast<const char*>(t.data_ptr()), std::streamsize(t.numel() * t.element_size()));
        if (!out.flush())
            throw Error(ErrorCode::Io, temporary + ": writing failed");
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        throw Error(ErrorCode::Io, path + ": cannot rename the temporary file into place");
    }
}

} // namespace tessera

#include "models/ncnn/ncnn_weights.h"

#include "common/error.h"
#include "models/loaders/finite_weights.h"

#include <cstring>

namespace tessera::ncnn {

namespace {

constexpr uint32_t kTagFp16 = 0x01306B47;
constexpr uint32_t kTagInt8 = 0x000D4B38;
constexpr uint32_t kTagFp32 = 0x0002C056;

size_t alignTo4(size_t bytes)
{
    return (bytes + 3) / 4 * 4;
}

uint32_t readU32Le(const uint8_t* p)
{
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

// The loaders accept little-endian files only; memcpy keeps this free of
// alignment assumptions.
at::Tensor floatsFrom(const uint8_t* data, int64_t count)
{
    at::Tensor out = at::empty({count}, at::kFloat);
    std::memcpy(out.data_ptr<float>(), data, size_t(count) * sizeof(float));
    return out;
}

} // namespace

WeightReader::WeightReader(const uint8_t* data, size_t size, std::string sourceName)
    : m_data(data)
    , m_size(size)
    , m_source(std::move(sourceName))
{
}

const uint8_t* WeightReader::take(size_t bytes, const std::string& what)
{
    if (bytes > m_size - m_offset)
        throw Error(ErrorCode::InvalidModel,
                    m_source + ": file ends early while reading " + what + " (needs " + std::to_string(bytes)
                        + " bytes at offset " + std::to_string(m_offset) + ", file has "
                        + std::to_string(m_size) + "); the .bin does not match the .param");
    const uint8_t* p = m_data + m_offset;
    m_offset += bytes;
    return p;
}

at::Tensor WeightReader::readTagged(int64_t count, const std::string& what)
{
    at::Tensor values = readTaggedValues(count, what);
    requireFiniteWeights(values, m_source, what);
    return values;
}

at::Tensor WeightReader::readTaggedValues(int64_t count, const std::string& what)
{
    if (count < 0 || count > (int64_t(1) << 34))
        throw Error(ErrorCode::InvalidModel, m_source + ": " + what + " has an impossible size "
                                                 + std::to_string(count));
    const uint32_t tag = readU32Le(take(4, what + " (type tag)"));
    if (tag == kTagFp16) {
        const uint8_t* data = take(alignTo4(size_t(count) * 2), what + " (fp16)");
        at::Tensor half = at::empty({count}, at::kHalf);
        std::memcpy(half.data_ptr(), data, size_t(count) * 2);
        return half.to(at::kFloat);
    }
    if (tag == kTagInt8)
        throw Error(ErrorCode::UnsupportedModel, m_source + ": " + what
                                                     + " is int8-quantised; only fp32 and fp16 ncnn models are supported");
    if (tag == kTagFp32 || tag == 0)
        return floatsFrom(take(size_t(count) * 4, what + " (fp32)"), count);
    // Any other tag: a 256-entry code book, then one index byte per value.
    const at::Tensor codebook = floatsFrom(take(256 * 4, what + " (code book)"), 256);
    const uint8_t* indices = take(alignTo4(size_t(count)), what + " (code indices)");
    at::Tensor index = at::empty({count}, at::kLong);
    int64_t* ip = index.data_ptr<int64_t>();
    for (int64_t i = 0; i < count; ++i)
        ip[i] = indices[i];
    return codebook.index_select(0, index);
}

at::Tensor WeightReader::readRaw(int64_t count, const std::string& what)
{
    if (count < 0 || count > (int64_t(1) << 34))
        throw Error(ErrorCode::InvalidModel, m_source + ": " + what + " has an impossible size "
                                                 + std::to_string(count));
    at::Tensor values = floatsFrom(take(size_t(count) * 4, what), count);
    requireFiniteWeights(values, m_source, what);
    return values;
}

} // namespace tessera::ncnn

#pragma once
/// Reader of ncnn's .bin weight file (internal to core/models/ncnn).
///
/// The file is the layers' weights back to back, in the order the layers
/// appear in the .param file, each layer reading its arrays in a fixed order.
/// Arrays read "tagged" (ncnn's load type 0: conv / inner-product weights)
/// start with a 4-byte tag: 0x01306B47 fp16 (padded to 4 bytes),
/// 0x000D4B38 int8, 0x0002C056 raw fp32, 0 raw fp32, any other non-zero
/// value a 256-entry fp32 code book followed by one byte per value (padded
/// to 4 bytes). Arrays read "raw" (load type 1: biases, slopes) are plain
/// little-endian fp32 with no tag.

#include <ATen/ATen.h>

#include <cstdint>
#include <string>

namespace tessera::ncnn {

class WeightReader {
public:
    /// Reads from the `size` bytes at `data`, which outlive the reader (a
    /// mapped .bin: only the bytes the layers ask for are ever touched).
    /// `sourceName` names the file in errors.
    WeightReader(const uint8_t* data, size_t size, std::string sourceName);

    /// `count` values with a leading type tag, as float32 [count].
    /// Throws Error(InvalidModel) when the file ends early or a value is NaN
    /// or Inf, Error(UnsupportedModel) for int8-quantised weights.
    at::Tensor readTagged(int64_t count, const std::string& what);
    /// `count` raw float32 values, as float32 [count]; the same errors.
    at::Tensor readRaw(int64_t count, const std::string& what);

    size_t offset() const { return m_offset; }
    size_t size() const { return m_size; }

private:
    const uint8_t* take(size_t bytes, const std::string& what);
    at::Tensor readTaggedValues(int64_t count, const std::string& what);

    const uint8_t* m_data;
    size_t m_size;
    std::string m_source;
    size_t m_offset = 0;
};

} // namespace tessera::ncnn

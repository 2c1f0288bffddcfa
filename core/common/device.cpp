#include "common/device.h"

#include "common/error.h"

#include <charconv>

namespace tessera {

DeviceSpec parseDevice(const std::string& text)
{
    if (text == "cpu")
        return {DeviceKind::Cpu, 0};
    if (text == "cuda")
        return {DeviceKind::Cuda, 0};
    if (text.rfind("cuda:", 0) == 0) {
        int index = -1;
        const char* first = text.data() + 5;
        const char* last = text.data() + text.size();
        const auto [end, ec] = std::from_chars(first, last, index);
        if (ec == std::errc() && end == last && first != last && index >= 0)
            return {DeviceKind::Cuda, index};
    }
    throw Error(ErrorCode::InvalidArgument,
                "unknown device '" + text + "' (expected cpu, cuda or cuda:N)");
}

std::string deviceName(const DeviceSpec& device)
{
    if (device.kind == DeviceKind::Cpu)
        return "cpu";
    return "cuda:" + std::to_string(device.index);
}

Precision parsePrecision(const std::string& text)
{
    if (text == "fp32")
        return Precision::Fp32;
    if (text == "fp16")
        return Precision::Fp16;
    if (text == "bf16")
        return Precision::Bf16;
    throw Error(ErrorCode::InvalidArgument,
                "unknown precision '" + text + "' (expected fp32, fp16 or bf16)");
}

const char* precisionName(Precision precision)
{
    switch (precision) {
    case Precision::Fp32: return "fp32";
    case Precision::Fp16: return "fp16";
    case Precision::Bf16: return "bf16";
    }
    return "fp32";
}

} // namespace tessera

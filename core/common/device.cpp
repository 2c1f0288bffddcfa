#include "common/device.h"

#include "common/error.h"
#include "common/torch_compat.h"

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

std::vector<DeviceSpec> parseDevices(const std::string& text)
{
    if (text == "cuda:all") {
        std::vector<DeviceSpec> devices{{DeviceKind::Cuda, 0}};
        for (int i = 1; i < cudaDeviceCount(); ++i)
            devices.push_back({DeviceKind::Cuda, i});
        return devices;
    }
    if (text.rfind("cuda:", 0) != 0 || text.find(',') == std::string::npos)
        return {parseDevice(text)};
    std::vector<DeviceSpec> devices;
    size_t from = 5;
    for (;;) {
        const size_t comma = text.find(',', from);
        const std::string index = text.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
        const DeviceSpec device = parseDevice("cuda:" + index);
        for (const DeviceSpec& earlier : devices)
            if (earlier == device)
                throw Error(ErrorCode::InvalidArgument, "device '" + text + "' names cuda:" + index + " twice");
        devices.push_back(device);
        if (comma == std::string::npos)
            return devices;
        from = comma + 1;
    }
}

std::string devicesName(const std::vector<DeviceSpec>& devices)
{
    std::string text;
    for (const DeviceSpec& device : devices)
        text += text.empty() ? deviceName(device) : "," + std::to_string(device.index);
    return text;
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

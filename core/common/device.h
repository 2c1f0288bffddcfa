#pragma once
/// Where and at which precision a model runs. Plain values with no LibTorch
/// types, so the UI and the CLI can hold and parse them.

#include <string>

namespace tessera {

enum class DeviceKind { Cpu, Cuda };
enum class Precision { Fp32, Fp16, Bf16 };

struct DeviceSpec {
    DeviceKind kind = DeviceKind::Cpu;
    int index = 0; ///< CUDA device index; 0 for the CPU

    bool operator==(const DeviceSpec&) const = default;
};

/// Parses "cpu", "cuda" or "cuda:N"; throws Error(InvalidArgument) otherwise.
DeviceSpec parseDevice(const std::string& text);
std::string deviceName(const DeviceSpec& device);

/// Parses "fp32", "fp16" or "bf16"; throws Error(InvalidArgument) otherwise.
Precision parsePrecision(const std::string& text);
const char* precisionName(Precision precision);

} // namespace tessera

#pragma once
/// Where and at which precision a model runs. Plain values with no LibTorch
/// types, so the UI and the CLI can hold and parse them.

#include <string>
#include <vector>

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

/// Parses what parseDevice does, and the CUDA devices a run spreads its tiles
/// over: "cuda:0,1" (in that order; the first holds the output) or
/// "cuda:all" (every CUDA device present, cuda:0 first; cuda:0 alone when
/// there is none, so the run says CUDA is missing). Throws
/// Error(InvalidArgument) for anything else or a device named twice.
std::vector<DeviceSpec> parseDevices(const std::string& text);
/// What parseDevices reads back: "cpu", "cuda:1", "cuda:0,1".
std::string devicesName(const std::vector<DeviceSpec>& devices);

/// Parses "fp32", "fp16" or "bf16"; throws Error(InvalidArgument) otherwise.
Precision parsePrecision(const std::string& text);
const char* precisionName(Precision precision);

} // namespace tessera

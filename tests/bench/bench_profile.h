#pragma once
// Where a GPU run's time goes: the CUDA kernels of a few runs of `work`,
// recorded with LibTorch's profiler (Kineto) and summed by kernel name.

#include "common/device.h"

#include <functional>
#include <string>

namespace tessera::bench {

/// Runs `work` `runs` times under the profiler and prints the `top` kernels by
/// total device time (ms per run, share of all kernel time, calls per run),
/// and the kernel time per run against the wall time per run. Kernel names
/// are grouped by a short family (convolution, matrix product, attention,
/// normalisation, elementwise, copy) as well. LibTorch 2.x only; on 1.13 it
/// prints that it cannot.
void printKernelProfile(const std::string& title, const DeviceSpec& device, int runs, int top,
                        const std::function<void()>& work);

} // namespace tessera::bench

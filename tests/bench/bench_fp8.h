#pragma once
// What an FP8 convolution gains and costs against fp16, on one shape: a
// 64 -> 64 3x3 convolution + bias + PReLU, as SRVGG's middle layers are.

#include "common/device.h"

namespace tessera::bench {

/// On `device` (CUDA): x [1, 64, side, side] channels-last, random weights;
/// the fp16 path (cuDNN's fused graph where it is faster) against FP8
/// inputs with fp16 and with FP8 outputs: median milliseconds, and each
/// one's largest and RMS error against fp32 on the same (fp16-rounded)
/// inputs. Prints a line saying why where FP8 is not built.
void compareFp8Convolution(const DeviceSpec& device, int side);

} // namespace tessera::bench

#pragma once
/// The one place that knows LibTorch versions apart (Debian's 1.13 on CPU
/// machines, 2.x with CUDA on GPU machines) and maps our plain device values
/// to torch's.

#include "common/device.h"

#include <ATen/ATen.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <torch/version.h>

#include <cstdint>

#define TESSERA_TORCH_AT_LEAST(major, minor) \
    (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

// 8-bit float dtypes (safetensors F8_E4M3 / F8_E5M2) arrived in LibTorch 2.1.
#if TESSERA_TORCH_AT_LEAST(2, 1)
#define TESSERA_HAVE_FLOAT8 1
#else
#define TESSERA_HAVE_FLOAT8 0
#endif

namespace tessera {

c10::Device toTorchDevice(const DeviceSpec& device);
c10::ScalarType toTorchDtype(Precision precision);

/// True when CUDA is compiled in and at least one device is present.
bool cudaAvailable();
int cudaDeviceCount();
/// Free and total bytes on a CUDA device, or the machine's available and
/// physical RAM for the CPU; 0 where unknown (CUDA without its runtime).
struct DeviceMemory {
    int64_t freeBytes = 0;
    int64_t totalBytes = 0;
};
DeviceMemory deviceMemory(const DeviceSpec& device);

/// softmax(q k^T / sqrt(D) [+ causal mask]) v for q: [B, H, Nq, D], k and v:
/// [B, H, Nk, D] -> [B, H, Nq, D]. On LibTorch 2.x this is
/// scaled_dot_product_attention (flash / memory-efficient kernels on CUDA;
/// inputs strided in D are made contiguous first, as those kernels need);
/// on 1.13 a softmax over query chunks sized so that one chunk's score matrix
/// stays near `chunkBytes`, which keeps a VAE's 16384-position mid-block
/// attention from allocating gigabytes at once.
at::Tensor scaledDotProductAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal,
                                     int64_t chunkBytes = int64_t(256) << 20);

/// True where bf16 kernels are native, not emulated: every CPU LibTorch,
/// CUDA from compute capability 8.0 (Ampere) on.
bool deviceHasFastBf16(const c10::Device& device);

/// A generator of its own on `device` (CPU: mt19937, CUDA: Philox) seeded
/// like `torch.Generator(device).manual_seed(seed)`, so the same seed draws
/// the numbers PyTorch (and ComfyUI) draw. The default generators are untouched.
at::Generator seededGenerator(const c10::Device& device, uint64_t seed);

/// Waits for the device's queued work (CUDA); returns at once on the CPU.
void synchronizeDevice(const DeviceSpec& device);

/// True when `error` is LibTorch's report of an allocation failure (CUDA or CPU).
bool isOutOfMemory(const std::exception& error);

/// Lets LibTorch's CPU kernels use every core from the calling thread on
/// (Debian's LibTorch starts with one OpenMP thread, and OpenMP keeps the
/// setting per thread). A user's OMP_NUM_THREADS is respected.
void useAllCoresOnThisThread();

} // namespace tessera

#include "common/torch_compat.h"

#include <c10/util/Exception.h>
#include <torch/cuda.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <unistd.h>
#include <limits>
#include <vector>
#include <cstring>
#include <thread>
#include <string>

#if defined(TESSERA_HAVE_CUDA) && __has_include(<cuda_runtime_api.h>)
#include <cuda_runtime_api.h>
#define TESSERA_CUDA_MEMINFO 1 // the CUDA runtime API: memory and device queries
#endif

namespace tessera {

c10::Device toTorchDevice(const DeviceSpec& device)
{
    if (device.kind == DeviceKind::Cuda)
        return c10::Device(c10::DeviceType::CUDA, static_cast<c10::DeviceIndex>(device.index));
    return c10::Device(c10::DeviceType::CPU);
}

c10::ScalarType toTorchDtype(Precision precision)
{
    switch (precision) {
    case Precision::Fp16: return at::kHalf;
    case Precision::Bf16: return at::kBFloat16;
    case Precision::Fp32: break;
    }
    return at::kFloat;
}

bool cudaAvailable()
{
    return torch::cuda::is_available();
}

int cudaDeviceCount()
{
    return static_cast<int>(torch::cuda::device_count());
}

DeviceMemory deviceMemory(const DeviceSpec& device)
{
    DeviceMemory memory;
    if (device.kind == DeviceKind::Cpu) {
#if defined(__unix__) && defined(_SC_AVPHYS_PAGES) && defined(_SC_PHYS_PAGES)
        const long pageSize = sysconf(_SC_PAGESIZE);
        const long available = sysconf(_SC_AVPHYS_PAGES), physical = sysconf(_SC_PHYS_PAGES);
        if (pageSize > 0 && available > 0 && physical > 0) {
            memory.freeBytes = int64_t(available) * pageSize;
            memory.totalBytes = int64_t(physical) * pageSize;
        }
#endif
        return memory;
    }
#ifdef TESSERA_CUDA_MEMINFO
    if (device.kind == DeviceKind::Cuda && cudaAvailable()) {
        size_t freeBytes = 0, totalBytes = 0;
        int previous = 0;
        cudaGetDevice(&previous);
        cudaSetDevice(device.index);
        if (cudaMemGetInfo(&freeBytes, &totalBytes) == cudaSuccess) {
            memory.freeBytes = static_cast<int64_t>(freeBytes);
            memory.totalBytes = static_cast<int64_t>(totalBytes);
        }
        cudaSetDevice(previous);
    }
#else
    (void)device;
#endif
    return memory;
}

bool isOutOfMemory(const std::exception& error)
{
#if TESSERA_TORCH_AT_LEAST(1, 13)
    if (dynamic_cast<const c10::OutOfMemoryError*>(&error))
        return true;
#endif
    const char* what = error.what();
    return std::strstr(what, "out of memory") != nullptr
        || std::strstr(what, "DefaultCPUAllocator: can't allocate memory") != nullptr
        || std::strstr(what, "DefaultCPUAllocator: not enough memory") != nullptr;
}

void useAllCoresOnThisThread()
{
    thread_local bool done = false;
    if (done)
        return;
    done = true;
    if (std::getenv("OMP_NUM_THREADS"))
        return;
    const int cores = int(std::thread::hardware_concurrency());
    if (cores > at::get_num_threads())
        at::set_num_threads(cores);
}

bool deviceHasFastBf16(const c10::Device& device)
{
    if (device.is_cpu())
        return true;
#ifdef TESSERA_CUDA_MEMINFO
    if (device.is_cuda()) {
        int index = device.has_index() ? device.index() : 0;
        if (!device.has_index())
            cudaGetDevice(&index);
        int major = 0;
        return cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, index) == cudaSuccess && major >= 8;
    }
#endif
    return false;
}

at::Generator seededGenerator(const c10::Device& device, uint64_t seed)
{
    // A clone of the device's default generator is a fresh generator of the
    // same kind on the same device (no CUDA headers needed here).
    at::Generator generator = at::globalContext().defaultGenerator(device).clone();
    generator.set_current_seed(seed);
    return generator;
}

void synchronizeDevice(const DeviceSpec& device)
{
    if (device.kind == DeviceKind::Cuda)
        torch::cuda::synchronize(device.index);
}

at::Tensor scaledDotProductAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, bool causal,
                                     int64_t chunkBytes)
{
#if TESSERA_TORCH_AT_LEAST(2, 0)
    (void)chunkBytes;
    // The fused kernels (flash, memory-efficient) need unit stride in the head
    // dimension; a strided view (a VAE's [B, C, HW] -> [B, HW, C] tokens) would
    // send SDPA to its math path, which materialises the [Nq, Nk] scores.
    auto unitStride = [](const at::Tensor& t) { return t.stride(-1) == 1 ? t : t.contiguous(); };
    return at::scaled_dot_product_attention(unitStride(q), unitStride(k), unitStride(v), {}, 0.0, causal);
#else
    const int64_t queries = q.size(2), keys = k.size(2);
    const double scale = 1.0 / std::sqrt(double(q.size(3)));
    const int64_t rowBytes = q.size(0) * q.size(1) * keys * int64_t(q.element_size());
    const int64_t chunk = std::max<int64_t>(1, std::min<int64_t>(queries, chunkBytes / std::max<int64_t>(rowBytes, 1)));
    const at::Tensor kT = k.transpose(-2, -1);
    auto block = [&](int64_t begin, int64_t end) {
        at::Tensor scores = at::matmul(q.slice(2, begin, end) * scale, kT); // [B, H, rows, Nk]
        if (causal) {
            // Query row i sees keys 0..i: mask the strict upper triangle.
            const at::Tensor rows = at::arange(begin, end, q.options().dtype(at::kLong)).unsqueeze(1);
            const at::Tensor cols = at::arange(keys, q.options().dtype(at::kLong)).unsqueeze(0);
            scores.masked_fill_(cols > rows, -std::numeric_limits<double>::infinity());
        }
        return at::matmul(at::softmax(scores, -1), v);
    };
    if (chunk >= queries)
        return block(0, queries);
    std::vector<at::Tensor> parts;
    for (int64_t begin = 0; begin < queries; begin += chunk)
        parts.push_back(block(begin, std::min(queries, begin + chunk)));
    return at::cat(parts, 2);
#endif
}

} // namespace tessera

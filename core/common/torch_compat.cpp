#include "common/torch_compat.h"

#include <c10/util/Exception.h>
#include <torch/cuda.h>

#include <ATen/Parallel.h>

#include <cstdlib>
#include <cstring>
#include <thread>
#include <string>

#if defined(TESSERA_HAVE_CUDA) && __has_include(<cuda_runtime_api.h>)
#include <cuda_runtime_api.h>
#define TESSERA_CUDA_MEMINFO 1
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

} // namespace tessera

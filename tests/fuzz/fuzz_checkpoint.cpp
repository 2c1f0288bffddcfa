// The checkpoint detector on .safetensors headers of any bytes: which family
// (SD 1.x, SDXL base / refiner, a lone VAE) and every hyper-parameter the
// keys and shapes give, without reading a tensor.
#include "fuzz_support.h"

#include "diffusion/checkpoint.h"
#include "models/loaders/mapped_file.h"
#include "models/loaders/safetensors.h"

#include <cstdio>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace tessera;
    static const std::string path = "/tmp/tessera-fuzz-checkpoint-" + std::to_string(getpid()) + ".safetensors";
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file)
        return 0;
    std::fwrite(data, 1, size, file);
    std::fclose(file);
    return fuzz::refusalsAreErrors([&] {
        const std::unique_ptr<WeightStore> store = openSafetensors(std::make_shared<MappedFile>(path));
        sd::inspectCheckpoint(*store).describe();
    });
}

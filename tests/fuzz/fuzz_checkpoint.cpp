// The checkpoint detector on .safetensors headers of any bytes: which family
// (SD 1.x, SDXL base / refiner, a lone VAE) and every hyper-parameter the
// keys and shapes give, without reading a tensor.
#include "fuzz_support.h"

#include "diffusion/checkpoint.h"
#include "models/loaders/mapped_file.h"
#include "models/loaders/safetensors.h"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace tessera;
    const std::string path = fuzz::inputFile(data, size, "tessera-fuzz-checkpoint", "safetensors");
    if (path.empty())
        return 0;
    return fuzz::refusalsAreErrors([&] {
        const std::unique_ptr<WeightStore> store = openSafetensors(std::make_shared<MappedFile>(path));
        sd::inspectCheckpoint(*store).describe();
    });
}

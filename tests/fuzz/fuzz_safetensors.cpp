// .safetensors files of any bytes: the header, the offsets against the file,
// and reading every tensor it lists (dtype, shape, NaN check).
#include "fuzz_support.h"

#include "models/loaders/mapped_file.h"
#include "models/loaders/safetensors.h"
#include "models/loaders/weight_store.h"

#include <cstdio>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace tessera;
    // The loader maps a file: write the input to one of this process's own.
    static const std::string path = "/tmp/tessera-fuzz-" + std::to_string(getpid()) + ".safetensors";
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file)
        return 0;
    std::fwrite(data, 1, size, file);
    std::fclose(file);
    return fuzz::refusalsAreErrors([&] {
        const std::unique_ptr<WeightStore> store = openSafetensors(std::make_shared<MappedFile>(path));
        for (const std::string& key : store->keys())
            store->read(key);
    });
}

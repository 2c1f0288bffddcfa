// .safetensors files of any bytes: the header, the offsets against the file,
// and reading every tensor it lists (dtype, shape, NaN check).
#include "fuzz_support.h"

#include "models/loaders/mapped_file.h"
#include "models/loaders/safetensors.h"
#include "models/loaders/weight_store.h"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace tessera;
    const std::string path = fuzz::inputFile(data, size, "tessera-fuzz", "safetensors");
    if (path.empty())
        return 0;
    return fuzz::refusalsAreErrors([&] {
        const std::unique_ptr<WeightStore> store = openSafetensors(std::make_shared<MappedFile>(path));
        for (const std::string& key : store->keys())
            store->read(key);
    });
}

// Pickles of any bytes through the restricted unpickler (never executes code;
// charges what it builds to the file's memory budget).
#include "fuzz_support.h"

#include "models/loaders/restricted_unpickler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace tessera;
    return fuzz::refusalsAreErrors([&] {
        pickle::MemoryBudget budget(size);
        pickle::unpickle(data, size, "fuzz.pkl", budget);
    });
}

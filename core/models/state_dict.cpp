#include "models/state_dict.h"

namespace tessera {

int64_t parameterCount(const StateDict& stateDict)
{
    int64_t count = 0;
    for (const auto& [key, value] : stateDict)
        count += value.numel();
    return count;
}

} // namespace tessera

#include "models/state_dict.h"

#include "common/error.h"
#include "models/loaders/file_bytes.h"
#include "models/loaders/pth.h"
#include "models/loaders/safetensors.h"

namespace tessera {

StateDict loadStateDict(const std::string& path)
{
    const std::vector<uint8_t> bytes = readFileBytes(path);
    StateDict result;
    if (looksLikeZip(bytes))
        result = parsePthZip(bytes, path);
    else if (bytes.size() >= 2 && bytes[0] == 0x80 && bytes[1] <= 5) // a pickle PROTO opcode
        result = parsePthLegacy(bytes, path);
    else if (bytes.size() >= 9 && bytes[8] == '{') // safetensors: u64 size, then the JSON header
        result = parseSafetensors(bytes, path);
    else
        throw Error(ErrorCode::InvalidModel,
                    path + ": not a PyTorch checkpoint or safetensors file (unrecognised first bytes)");
    stripModulePrefix(result);
    return result;
}

void stripModulePrefix(StateDict& stateDict)
{
    static const std::string kPrefix = "module.";
    StateDict stripped;
    bool changed = false;
    for (auto& [key, value] : stateDict) {
        if (key.rfind(kPrefix, 0) == 0) {
            stripped[key.substr(kPrefix.size())] = value;
            changed = true;
        } else {
            stripped[key] = value;
        }
    }
    if (changed)
        stateDict = std::move(stripped);
}

int64_t parameterCount(const StateDict& stateDict)
{
    int64_t count = 0;
    for (const auto& [key, value] : stateDict)
        count += value.numel();
    return count;
}

} // namespace tessera

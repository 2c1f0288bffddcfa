#include "models/detect.h"

#include "common/error.h"
#include "models/arch/arch.h"

#include <set>

namespace tessera {
namespace {

const std::vector<const ArchDescriptor*>& architectures()
{
    // Most specific layouts first: SRVGG's "body.N.weight" would also match
    // nothing else, but RRDB and OmniSR keys are checked before it anyway.
    static const std::vector<const ArchDescriptor*> all{&esrganArchitecture(), &omnisrArchitecture(),
                                                        &spanArchitecture(), &realcuganArchitecture(),
                                                        &srvggArchitecture()};
    return all;
}

std::string firstComponent(const std::string& key)
{
    return key.substr(0, key.find('.'));
}

std::string listFew(const std::vector<std::string>& keys)
{
    std::string text;
    for (size_t i = 0; i < keys.size() && i < 4; ++i)
        text += (i ? ", " : "") + keys[i];
    if (keys.size() > 4)
        text += ", ... (" + std::to_string(keys.size()) + " in all)";
    return text;
}

} // namespace

const ArchDescriptor& detectArchitecture(const WeightStore& weights, ModelInfo& info)
{
    for (const ArchDescriptor* arch : architectures()) {
        ModelInfo candidate;
        if (arch->detect(weights, candidate)) {
            candidate.parameterCount = weights.parameterCount();
            info = candidate;
            return *arch;
        }
    }
    // Nothing matched: name the architecture sharing the most identifying keys.
    const ArchDescriptor* closest = nullptr;
    size_t bestScore = 0;
    for (const ArchDescriptor* arch : architectures()) {
        size_t score = 0;
        for (const std::string& key : arch->signatureKeys)
            score += hasKey(weights, key) ? 1 : 0;
        if (!closest || score > bestScore) {
            closest = arch;
            bestScore = score;
        }
    }
    std::vector<std::string> missing, unexpected;
    std::set<std::string> knownPrefixes;
    for (const std::string& key : closest->signatureKeys) {
        knownPrefixes.insert(firstComponent(key));
        if (!hasKey(weights, key))
            missing.push_back(key);
    }
    for (const std::string& key : weights.keys())
        if (!knownPrefixes.count(firstComponent(key)))
            unexpected.push_back(key);
    std::string message = "unknown model architecture (" + std::to_string(weights.size())
                          + " tensors); the closest is " + closest->name;
    if (!missing.empty())
        message += ", which would need " + listFew(missing);
    if (!unexpected.empty())
        message += "; unexpected keys: " + listFew(unexpected);
    throw Error(ErrorCode::UnsupportedModel, message);
}

ModelInfo detectArchitecture(const WeightStore& weights)
{
    ModelInfo info;
    detectArchitecture(weights, info);
    return info;
}

} // namespace tessera

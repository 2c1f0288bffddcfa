#include "pipeline/checkpoint_cache.h"

#include "common/error.h"
#include "diffusion/diffusers_folder.h"
#include "diffusion/tokenizer/vocab_locator.h"

namespace tessera {
namespace {

constexpr size_t kKeptCheckpoints = 3;

} // namespace

sd::CheckpointLayout inspectDiffusionCheckpoint(const std::string& path, const char* role)
{
    if (path.empty())
        throw Error(ErrorCode::InvalidArgument, std::string("no ") + role + " checkpoint given");
    const std::unique_ptr<WeightStore> store = sd::openCheckpointStore(path);
    if (!sd::isDiffusionCheckpoint(*store))
        throw Error(ErrorCode::UnsupportedModel, path + ": not a Stable Diffusion checkpoint");
    return sd::inspectCheckpoint(*store);
}

sd::DiffusionModels CheckpointCache::models(const std::string& path, const DeviceSpec& device, Precision precision,
                                             bool vaeOnly)
{
    // Networks on another device or in another precision are dropped first,
    // so a move never holds two copies.
    m_slots.remove_if([&](const Slot& slot) { return !(slot.device == device) || slot.precision != precision; });
    for (auto it = m_slots.begin(); it != m_slots.end(); ++it) {
        if (it->path == path && (vaeOnly || !it->vaeOnly)) {
            m_slots.splice(m_slots.begin(), m_slots, it);
            return m_slots.front().models;
        }
    }
    m_slots.remove_if([&](const Slot& slot) { return slot.path == path; }); // a VAE-only slot grows into a full one
    while (m_slots.size() >= kKeptCheckpoints)
        m_slots.pop_back();

    const std::unique_ptr<WeightStore> store = sd::openCheckpointStore(path);
    const sd::CheckpointLayout layout = sd::inspectCheckpoint(*store);
    sd::DiffusionLoadOptions options;
    options.device = device;
    options.precision = precision;
    options.loadUNet = options.loadText = !vaeOnly;
    Slot slot;
    slot.path = path;
    slot.device = device;
    slot.precision = precision;
    slot.vaeOnly = vaeOnly;
    slot.models = sd::loadDiffusionModels(*store, layout, options);
    m_slots.push_front(std::move(slot));
    return m_slots.front().models;
}

std::shared_ptr<sd::VaeModel> CheckpointCache::vae(const std::string& checkpoint, const std::string& vaePath,
                                         const DeviceSpec& device, Precision precision)
{
    std::shared_ptr<sd::VaeModel> vae = vaePath.empty() ? models(checkpoint, device, precision).vae
                                                        : models(vaePath, device, precision, /*vaeOnly=*/true).vae;
    if (!vae)
        throw Error(ErrorCode::InvalidModel, (vaePath.empty() ? checkpoint : vaePath) + ": has no VAE; give one with --vae");
    return vae;
}

const sd::ClipTokenizer& CheckpointCache::tokenizer(const std::string& checkpoint, const std::string& vocabulary)
{
    const std::string key = checkpoint + "\n" + vocabulary;
    if (!m_tokenizer || m_vocabularyKey != key) {
        m_tokenizer = sd::loadClipTokenizer(sd::findClipVocabulary(checkpoint, vocabulary));
        m_vocabularyKey = key;
    }
    return *m_tokenizer;
}

} // namespace tessera

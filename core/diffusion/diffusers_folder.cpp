#include "diffusion/diffusers_folder.h"

#include "models/loaders/sharded_weights.h"

#include "common/error.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace tessera::sd {
namespace {

/// How a tensor of the folder store is made from its component's tensors.
enum class Derivation {
    Copy,           ///< one tensor as it is
    ConvFromLinear, ///< a Linear weight [C, C] as a 1x1 convolution [C, C, 1, 1] (the VAE's attention)
    Transpose,      ///< a 2-D tensor transposed (the text projection: Linear weight -> x @ P)
    Concat,         ///< tensors stacked along dimension 0 (q, k, v -> open_clip's in_proj)
};

/// A diffusers component's tensors under single-file names; derived tensors
/// are computed from the component stores when read.
class DiffusersFolderStore final : public WeightStore {
public:
    explicit DiffusersFolderStore(const std::string& folder) : WeightStore(folder, folder) {}

    /// Keeps `component` open for the store's lifetime.
    const WeightStore& addComponent(std::unique_ptr<WeightStore> component)
    {
        m_components.push_back(std::move(component));
        return *m_components.back();
    }

    /// Indexes `key` as `how` applied to `sourceKeys` of `source`. Throws
    /// Error(InvalidModel) naming the component file when a source is absent
    /// or the tensors to concatenate do not fit together.
    void add(const std::string& key, const WeightStore& source, std::vector<std::string> sourceKeys, Derivation how)
    {
        for (const std::string& sourceKey : sourceKeys)
            if (!source.contains(sourceKey))
                throw Error(ErrorCode::InvalidModel, source.context() + ": no tensor '" + sourceKey + "' (needed for '"
                                                         + key + "')");
        TensorInfo info = source.info(sourceKeys.front());
        if (how == Derivation::ConvFromLinear && info.dim() == 2) {
            info.shape.push_back(1);
            info.shape.push_back(1);
        } else if (how == Derivation::ConvFromLinear) {
            how = Derivation::Copy; // already a 1x1 convolution (older conversions)
        } else if (how == Derivation::Transpose) {
            if (info.dim() != 2)
                throw Error(ErrorCode::InvalidModel, source.context() + ": '" + sourceKeys.front()
                                                         + "' should be 2-dimensional");
            std::swap(info.shape[0], info.shape[1]);
        } else if (how == Derivation::Concat) {
            for (size_t i = 1; i < sourceKeys.size(); ++i) {
                const TensorInfo& part = source.info(sourceKeys[i]);
                const bool fits = part.dtype == info.dtype && part.dim() == info.dim() && info.dim() > 0
                                  && std::equal(part.shape.begin() + 1, part.shape.end(), info.shape.begin() + 1);
                if (!fits)
                    throw Error(ErrorCode::InvalidModel, source.context() + ": '" + sourceKeys[i]
                                                             + "' does not match the dtype and shape of '"
                                                             + sourceKeys.front() + "'");
                info.shape[0] += part.shape[0];
            }
        }
        addTensor(key, std::move(info), m_derived.size());
        m_derived.push_back(DerivedTensor{&source, std::move(sourceKeys), how});
    }

private:
    struct DerivedTensor {
        const WeightStore* source = nullptr;
        std::vector<std::string> keys;
        Derivation how = Derivation::Copy;
    };

    void copyTensor(size_t slot, at::Tensor& destination) const override
    {
        const DerivedTensor& derived = m_derived[slot];
        const WeightStore& source = *derived.source;
        switch (derived.how) {
        case Derivation::Copy:
            source.readInto(derived.keys.front(), destination);
            return;
        case Derivation::ConvFromLinear: {
            // destination: [C, C, 1, 1]; the source is its [C, C] view.
            if (destination.is_contiguous()) {
                at::Tensor linear = destination.view({destination.size(0), destination.size(1)});
                source.readInto(derived.keys.front(), linear);
            } else {
                destination.copy_(source.read(derived.keys.front()).view(destination.sizes()));
            }
            return;
        }
        case Derivation::Transpose:
            destination.copy_(source.read(derived.keys.front()).t());
            return;
        case Derivation::Concat: {
            // Each part read straight into its rows of the destination.
            int64_t row = 0;
            for (const std::string& key : derived.keys) {
                const int64_t rows = source.info(key).shape[0];
                at::Tensor part = destination.narrow(0, row, rows);
                source.readInto(key, part);
                row += rows;
            }
            return;
        }
        }
    }

    std::vector<std::unique_ptr<WeightStore>> m_components;
    std::vector<DerivedTensor> m_derived;
};

std::vector<std::string> split(const std::string& key)
{
    std::vector<std::string> parts;
    size_t begin = 0;
    for (size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', begin)) {
        parts.push_back(key.substr(begin, dot - begin));
        begin = dot + 1;
    }
    parts.push_back(key.substr(begin));
    return parts;
}

/// parts[from...] joined with dots.
std::string joinFrom(const std::vector<std::string>& parts, size_t from)
{
    std::string text;
    for (size_t i = from; i < parts.size(); ++i)
        text += (text.empty() ? "" : ".") + parts[i];
    return text;
}

/// A block index ("3"), or nothing for any other text.
std::optional<int> indexOf(const std::vector<std::string>& parts, size_t at)
{
    if (at >= parts.size() || parts[at].empty() || parts[at].size() > 6)
        return std::nullopt;
    for (char c : parts[at])
        if (c < '0' || c > '9')
            return std::nullopt;
    return std::stoi(parts[at]);
}

/// The distinct indices N of keys "<group>.N.*" (group: "down_blocks", "encoder.down_blocks", ...).
std::set<int> indicesUnder(const WeightStore& store, const std::string& group)
{
    const size_t depth = split(group).size();
    std::set<int> indices;
    for (const std::string& key : store.keys())
        if (key.compare(0, group.size() + 1, group + ".") == 0)
            if (const std::optional<int> index = indexOf(split(key), depth))
                indices.insert(*index);
    return indices;
}

// ---- UNet: diffusers UNet2DConditionModel -> ldm / sgm UNetModel ----------

/// A diffusers ResnetBlock2D member as ldm's ResBlock names it.
std::string unetResnetName(const std::vector<std::string>& parts, size_t from)
{
    static const std::vector<std::pair<std::string, std::string>> kNames = {
        {"norm1", "in_layers.0"}, {"conv1", "in_layers.2"}, {"time_emb_proj", "emb_layers.1"},
        {"norm2", "out_layers.0"}, {"conv2", "out_layers.3"}, {"conv_shortcut", "skip_connection"}};
    for (const auto& [diffusers, ldm] : kNames)
        if (from < parts.size() && parts[from] == diffusers)
            return ldm + "." + joinFrom(parts, from + 1);
    return joinFrom(parts, from);
}

struct UNetStructure {
    int resBlocks = 0;                          ///< ResBlocks per down level (up levels have one more)
    std::set<std::pair<int, int>> upAttentions; ///< (up level, block) pairs with a transformer
};

UNetStructure unetStructure(const WeightStore& unet)
{
    UNetStructure structure;
    for (int level : indicesUnder(unet, "down_blocks")) {
        const std::set<int> resnets = indicesUnder(unet, "down_blocks." + std::to_string(level) + ".resnets");
        structure.resBlocks = std::max(structure.resBlocks, int(resnets.size()));
    }
    for (int level : indicesUnder(unet, "up_blocks"))
        for (int block : indicesUnder(unet, "up_blocks." + std::to_string(level) + ".attentions"))
            structure.upAttentions.insert({level, block});
    return structure;
}

/// The ldm name of a diffusers UNet key, or nothing for a name we do not know.
std::optional<std::string> unetOriginalName(const std::string& key, const UNetStructure& structure)
{
    const std::vector<std::string> p = split(key);
    // Blocks per level: the ResBlocks plus the downsampler (input side) or one more ResBlock (output side).
    const int perLevel = structure.resBlocks + 1;
    const auto block = [](int n, int member) { return std::to_string(n) + "." + std::to_string(member) + "."; };
    if (p[0] == "conv_in")
        return "input_blocks.0.0." + joinFrom(p, 1);
    if (p[0] == "conv_norm_out")
        return "out.0." + joinFrom(p, 1);
    if (p[0] == "conv_out")
        return "out.2." + joinFrom(p, 1);
    const bool embedding = p[0] == "time_embedding" || p[0] == "add_embedding";
    if (embedding && p.size() > 2 && (p[1] == "linear_1" || p[1] == "linear_2")) {
        const std::string layer = p[1] == "linear_1" ? "0." : "2.";
        return (p[0] == "time_embedding" ? "time_embed." : "label_emb.0.") + layer + joinFrom(p, 2);
    }
    if (p[0] == "mid_block" && p.size() > 3) {
        // mid_block.resnets.0 / .attentions.0 / .resnets.1: middle_block.0 / .1 / .2
        const std::optional<int> index = indexOf(p, 2);
        if (p[1] == "resnets" && index)
            return "middle_block." + std::to_string(2 * *index) + "." + unetResnetName(p, 3);
        if (p[1] == "attentions" && index == 0)
            return "middle_block.1." + joinFrom(p, 3);
        return std::nullopt;
    }
    const std::optional<int> level = indexOf(p, 1), member = indexOf(p, 3);
    if (!level || !member || p.size() < 5)
        return std::nullopt;
    if (p[0] == "down_blocks") {
        const int n = 1 + *level * perLevel + *member;
        if (p[2] == "resnets")
            return "input_blocks." + block(n, 0) + unetResnetName(p, 4);
        if (p[2] == "attentions")
            return "input_blocks." + block(n, 1) + joinFrom(p, 4);
        if (p[2] == "downsamplers" && member == 0 && p[4] == "conv")
            return "input_blocks." + block((*level + 1) * perLevel, 0) + "op." + joinFrom(p, 5);
    } else if (p[0] == "up_blocks") {
        const int n = *level * perLevel + *member;
        if (p[2] == "resnets")
            return "output_blocks." + block(n, 0) + unetResnetName(p, 4);
        if (p[2] == "attentions")
            return "output_blocks." + block(n, 1) + joinFrom(p, 4);
        if (p[2] == "upsamplers" && member == 0 && p[4] == "conv") {
            // The upsampler follows the level's last block: after its transformer where it has one.
            const int last = structure.resBlocks;
            const bool attention = structure.upAttentions.count({*level, last}) != 0;
            return "output_blocks." + block(*level * perLevel + last, attention ? 2 : 1) + "conv." + joinFrom(p, 5);
        }
    }
    return std::nullopt;
}

void addUNet(DiffusersFolderStore& folder, const WeightStore& unet)
{
    const UNetStructure structure = unetStructure(unet);
    for (const std::string& key : unet.keys()) {
        // A name we do not know keeps its diffusers name: loading reports it.
        const std::string name = unetOriginalName(key, structure).value_or(key);
        folder.add("model.diffusion_model." + name, unet, {key}, Derivation::Copy);
    }
}

// ---- VAE: diffusers AutoencoderKL -> ldm AutoencoderKL --------------------

std::string vaeResnetName(const std::vector<std::string>& parts, size_t from)
{
    if (from < parts.size() && parts[from] == "conv_shortcut")
        return "nin_shortcut." + joinFrom(parts, from + 1);
    return joinFrom(parts, from);
}

/// The ldm name of a diffusers VAE key and how its tensor is derived.
std::pair<std::string, Derivation> vaeOriginalName(const std::string& key, int decoderLevels)
{
    const std::vector<std::string> p = split(key);
    if ((p[0] != "encoder" && p[0] != "decoder") || p.size() < 3)
        return {key, Derivation::Copy}; // quant_conv, post_quant_conv: the same names
    const std::string side = p[0] + ".";
    if (p[1] == "conv_norm_out")
        return {side + "norm_out." + joinFrom(p, 2), Derivation::Copy};
    if (const std::optional<int> index = indexOf(p, 3); p[1] == "mid_block" && index && p.size() > 4) {
        if (p[2] == "resnets")
            return {side + "mid.block_" + std::to_string(*index + 1) + "." + vaeResnetName(p, 4), Derivation::Copy};
        if (p[2] == "attentions" && index == 0) {
            // Linear layers in diffusers (to_q ..., or query ... in older files), 1x1 convolutions in ldm.
            static const std::vector<std::pair<std::string, std::string>> kNames = {
                {"group_norm", "norm"}, {"to_q", "q"},   {"query", "q"},          {"to_k", "k"},
                {"key", "k"},           {"to_v", "v"},   {"value", "v"},          {"proj_attn", "proj_out"},
                {"to_out", "proj_out"}};
            for (const auto& [diffusers, ldm] : kNames) {
                if (p[4] != diffusers)
                    continue;
                const size_t rest = diffusers == "to_out" ? 6 : 5; // to_out.0.weight
                if (diffusers == "to_out" && (p.size() < 7 || p[5] != "0"))
                    break;
                const Derivation how = ldm == "norm" ? Derivation::Copy : Derivation::ConvFromLinear;
                return {side + "mid.attn_1." + ldm + "." + joinFrom(p, rest), how};
            }
        }
    }
    const std::optional<int> level = indexOf(p, 2), member = indexOf(p, 4);
    if (level && member && p.size() > 5) {
        if (p[1] == "down_blocks" && p[3] == "resnets")
            return {side + "down." + std::to_string(*level) + ".block." + std::to_string(*member) + "."
                        + vaeResnetName(p, 5),
                    Derivation::Copy};
        if (p[1] == "down_blocks" && p[3] == "downsamplers" && member == 0 && p[5] == "conv")
            return {side + "down." + std::to_string(*level) + ".downsample.conv." + joinFrom(p, 6), Derivation::Copy};
        // The decoder's up_blocks run from the lowest resolution; ldm's up.N from the highest.
        const std::string up = side + "up." + std::to_string(decoderLevels - 1 - *level) + ".";
        if (p[1] == "up_blocks" && p[3] == "resnets")
            return {up + "block." + std::to_string(*member) + "." + vaeResnetName(p, 5), Derivation::Copy};
        if (p[1] == "up_blocks" && p[3] == "upsamplers" && member == 0 && p[5] == "conv")
            return {up + "upsample.conv." + joinFrom(p, 6), Derivation::Copy};
    }
    return {key, Derivation::Copy}; // conv_in, conv_out: the same names
}

void addVae(DiffusersFolderStore& folder, const WeightStore& vae)
{
    const int decoderLevels = int(indicesUnder(vae, "decoder.up_blocks").size());
    for (const std::string& key : vae.keys()) {
        const auto [name, how] = vaeOriginalName(key, decoderLevels);
        folder.add("first_stage_model." + name, vae, {key}, how);
    }
}

// ---- text encoders --------------------------------------------------------

/// A Hugging Face CLIPTextModel under `prefix`: the names are already those
/// the single files use.
void addHuggingFaceClip(DiffusersFolderStore& folder, const WeightStore& clip, const std::string& prefix)
{
    for (const std::string& key : clip.keys())
        folder.add(prefix + key, clip, {key}, Derivation::Copy);
}

/// A Hugging Face CLIPTextModelWithProjection renamed to open_clip's names
/// under `prefix`: q/k/v projections concatenated into in_proj, the
/// projection Linear [P, W] transposed to open_clip's x @ P matrix [W, P].
void addOpenClip(DiffusersFolderStore& folder, const WeightStore& clip, const std::string& prefix)
{
    static const std::vector<std::pair<std::string, std::string>> kLayerNames = {
        {"self_attn.out_proj", "attn.out_proj"}, {"layer_norm1", "ln_1"}, {"layer_norm2", "ln_2"},
        {"mlp.fc1", "mlp.c_fc"}, {"mlp.fc2", "mlp.c_proj"}};
    const std::string layers = "text_model.encoder.layers.";
    for (const std::string& key : clip.keys()) {
        const std::vector<std::string> p = split(key);
        if (key == "text_model.embeddings.token_embedding.weight") {
            folder.add(prefix + "token_embedding.weight", clip, {key}, Derivation::Copy);
        } else if (key == "text_model.embeddings.position_embedding.weight") {
            folder.add(prefix + "positional_embedding", clip, {key}, Derivation::Copy);
        } else if (key == "text_model.embeddings.position_ids") {
            continue; // a constant arange; open_clip has none
        } else if (key.rfind("text_model.final_layer_norm.", 0) == 0) {
            folder.add(prefix + "ln_final." + joinFrom(p, 2), clip, {key}, Derivation::Copy);
        } else if (key == "text_projection.weight") {
            folder.add(prefix + "text_projection", clip, {key}, Derivation::Transpose);
        } else if (key.rfind(layers, 0) == 0 && indexOf(p, 3) && p.size() == 7 && p[4] == "self_attn"
                   && (p[5] == "q_proj" || p[5] == "k_proj" || p[5] == "v_proj")) {
            if (p[5] != "q_proj")
                continue; // concatenated with q_proj's
            const std::string layer = layers + p[3] + ".self_attn.";
            folder.add(prefix + "transformer.resblocks." + p[3] + ".attn.in_proj_" + p[6], clip,
                       {layer + "q_proj." + p[6], layer + "k_proj." + p[6], layer + "v_proj." + p[6]},
                       Derivation::Concat);
        } else {
            std::string name = key; // unknown: kept, so loading reports it
            if (key.rfind(layers, 0) == 0 && indexOf(p, 3)) {
                const std::string member = joinFrom(p, 4);
                for (const auto& [huggingFace, openClip] : kLayerNames)
                    if (member.rfind(huggingFace + ".", 0) == 0)
                        name = "transformer.resblocks." + p[3] + "." + openClip + member.substr(huggingFace.size());
            }
            folder.add(prefix + name, clip, {key}, Derivation::Copy);
        }
    }
}

// ---- the folder -----------------------------------------------------------

/// The names diffusers saves a component's weights under, in the order we prefer them.
const std::vector<std::string>& weightFileNames()
{
    static const std::vector<std::string> kNames = {
        "diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors",
        "model.safetensors",                   "model.fp16.safetensors",
        "diffusion_pytorch_model.bin",         "diffusion_pytorch_model.fp16.bin",
        "pytorch_model.bin",                   "pytorch_model.fp16.bin"};
    return kNames;
}

/// The weights file of `folder`/`component` (or its shard index, for a
/// component saved in shards), or nothing when there is none.
std::optional<fs::path> componentFile(const fs::path& folder, const std::string& component)
{
    std::error_code ec;
    for (const std::string& name : weightFileNames())
        for (const std::string& file : {name, name + ".index.json"})
            if (fs::is_regular_file(folder / component / file, ec))
                return folder / component / file;
    return std::nullopt;
}

/// A component's weights: one file, or the shards its index names.
std::unique_ptr<WeightStore> openComponent(const fs::path& file)
{
    return isShardIndex(file.string()) ? openShardedWeights(file.string()) : openWeightStore(file.string());
}

} // namespace

bool isDiffusersFolder(const std::string& path)
{
    std::error_code ec;
    const fs::path folder(path);
    return fs::is_directory(folder, ec)
           && (fs::is_regular_file(folder / "model_index.json", ec)
               || (fs::is_directory(folder / "unet", ec) && fs::is_directory(folder / "vae", ec)));
}

std::unique_ptr<WeightStore> openDiffusersFolder(const std::string& path)
{
    std::error_code ec;
    const fs::path folder(path);
    if (!fs::is_directory(folder, ec))
        throw Error(ErrorCode::Io, path + ": not a folder");
    auto store = std::make_unique<DiffusersFolderStore>(path);
    const auto open = [&](const std::string& component) -> const WeightStore* {
        const std::optional<fs::path> file = componentFile(folder, component);
        return file ? &store->addComponent(openComponent(*file)) : nullptr;
    };
    // The UNet and the VAE every pipeline has; a folder without them is not one we can run.
    for (const std::string component : {"unet", "vae"})
        if (!componentFile(folder, component))
            throw Error(ErrorCode::InvalidModel,
                        path + ": not a complete diffusers pipeline: no " + component
                            + "/diffusion_pytorch_model.safetensors (nor .fp16.safetensors or .bin)");
    addUNet(*store, *open("unet"));
    addVae(*store, *open("vae"));
    const WeightStore* clipL = open("text_encoder");
    const WeightStore* clipG = open("text_encoder_2");
    // SDXL base has both encoders, the refiner only the second, SD 1.x only the first.
    if (clipL)
        addHuggingFaceClip(*store, *clipL,
                           clipG ? "conditioner.embedders.0.transformer." : "cond_stage_model.transformer.");
    if (clipG)
        addOpenClip(*store, *clipG, clipL ? "conditioner.embedders.1.model." : "conditioner.embedders.0.model.");
    return store;
}

std::unique_ptr<WeightStore> openCheckpointStore(const std::string& path)
{
    return isDiffusersFolder(path) ? openDiffusersFolder(path) : openWeightStore(path);
}

} // namespace tessera::sd

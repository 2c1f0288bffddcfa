#include "diffusion/tokenizer/vocab_locator.h"

#include "common/error.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <vector>

namespace tessera::sd {
namespace {

namespace fs = std::filesystem;

constexpr const char* kGzName = "bpe_simple_vocab_16e6.txt.gz";
// Hub cache folders of the two CLIP models whose tokenizer SD 1.x and SDXL use.
constexpr const char* kHubRepos[] = {
    "models--openai--clip-vit-large-patch14",
    "models--laion--CLIP-ViT-bigG-14-laion2B-39B-b160k",
};

std::string envOrEmpty(const char* name)
{
    const char* value = std::getenv(name);
    return value ? value : "";
}

fs::path homeDir()
{
    const std::string home = envOrEmpty("HOME");
    return home.empty() ? fs::path(".") : fs::path(home);
}

bool isFile(const fs::path& p)
{
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

/// The vocabulary in `folder`, preferring vocab.json + merges.txt.
std::optional<ClipVocabularyFiles> filesIn(const fs::path& folder)
{
    if (isFile(folder / "vocab.json") && isFile(folder / "merges.txt"))
        return ClipVocabularyFiles{(folder / "vocab.json").string(), (folder / "merges.txt").string(), ""};
    if (isFile(folder / kGzName))
        return ClipVocabularyFiles{"", "", (folder / kGzName).string()};
    return std::nullopt;
}

/// An explicit path: a folder, vocab.json / merges.txt (the other beside it) or a .gz file.
ClipVocabularyFiles explicitFiles(const std::string& path, const std::string& origin)
{
    const fs::path p(path);
    std::error_code ec;
    std::optional<ClipVocabularyFiles> found;
    if (fs::is_directory(p, ec))
        found = filesIn(p);
    else if (isFile(p) && p.extension() == ".gz")
        found = ClipVocabularyFiles{"", "", p.string()};
    else if (isFile(p) && (p.filename() == "vocab.json" || p.filename() == "merges.txt"))
        found = filesIn(p.parent_path()).value_or(ClipVocabularyFiles{});
    if (!found || (found->vocabJson.empty() && found->bpeGz.empty()))
        throw Error(ErrorCode::InvalidArgument,
                    origin + " '" + path + "' holds no CLIP vocabulary: expected a folder with vocab.json and "
                             "merges.txt, or the file " + kGzName);
    return *found;
}

fs::path hubCache()
{
    if (const std::string hub = envOrEmpty("HF_HUB_CACHE"); !hub.empty())
        return hub;
    if (const std::string hfHome = envOrEmpty("HF_HOME"); !hfHome.empty())
        return fs::path(hfHome) / "hub";
    const std::string xdg = envOrEmpty("XDG_CACHE_HOME");
    return (xdg.empty() ? homeDir() / ".cache" : fs::path(xdg)) / "huggingface" / "hub";
}

/// The snapshot folders of a hub repository, newest name last (sorted for a
/// stable choice).
std::vector<fs::path> snapshots(const fs::path& repoFolder)
{
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(repoFolder / "snapshots", ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec))
            out.push_back(it->path());
    std::sort(out.begin(), out.end());
    return out;
}

/// The searched folders in order; `described` gets one line per place for the
/// error message (a pattern where the place is a glob).
std::vector<fs::path> candidateFolders(const std::string& checkpointPath, std::vector<std::string>& described)
{
    std::vector<fs::path> folders;
    const auto add = [&](const fs::path& folder) {
        folders.push_back(folder);
        described.push_back(folder.string() + "/");
    };
    if (!checkpointPath.empty()) {
        std::error_code ec;
        const fs::path checkpoint = fs::absolute(checkpointPath, ec);
        const fs::path base = fs::is_directory(checkpoint, ec) ? checkpoint : checkpoint.parent_path();
        add(base / "tokenizer");
        add(base / "tokenizer_2");
        add(base);
        add(base.parent_path() / "tokenizer");
    }
    const fs::path hub = hubCache();
    for (const char* repo : kHubRepos) {
        for (const fs::path& snapshot : snapshots(hub / repo))
            folders.push_back(snapshot);
        described.push_back((hub / repo / "snapshots").string() + "/*/");
    }
    std::vector<fs::path> comfyRoots;
    if (!checkpointPath.empty()) {
        std::error_code ec;
        // ComfyUI/models/checkpoints/x.safetensors: the root is above "models".
        for (fs::path p = fs::absolute(checkpointPath, ec); p.has_relative_path(); p = p.parent_path())
            if (p.filename() == "models") {
                comfyRoots.push_back(p.parent_path());
                break;
            }
    }
    comfyRoots.push_back(homeDir() / "ComfyUI");
    comfyRoots.push_back(homeDir() / "comfyui");
    for (const fs::path& root : comfyRoots)
        add(root / "comfy" / "sd1_tokenizer");
    add(homeDir() / ".local/share/tessera/clip");
    return folders;
}

} // namespace

ClipVocabularyFiles findClipVocabulary(const std::string& checkpointPath, const std::string& settingsPath)
{
    if (!settingsPath.empty())
        return explicitFiles(settingsPath, "the CLIP vocabulary path in the settings");
    if (const std::string env = envOrEmpty("TESSERA_CLIP_VOCAB"); !env.empty())
        return explicitFiles(env, "TESSERA_CLIP_VOCAB");
    std::vector<std::string> described;
    for (const fs::path& folder : candidateFolders(checkpointPath, described))
        if (std::optional<ClipVocabularyFiles> found = filesIn(folder))
            return *found;
    std::string message =
        std::string("no CLIP tokenizer vocabulary found. Put vocab.json and merges.txt (the tokenizer/ folder of "
                    "openai/clip-vit-large-patch14 or of any SD 1.x / SDXL diffusers model) or OpenAI's ") +
        kGzName + " into " + (homeDir() / ".local/share/tessera/clip").string() +
        "/, or set TESSERA_CLIP_VOCAB (or the vocabulary path in the settings) to a folder holding them. Searched:";
    for (const std::string& place : described)
        message += "\n  " + place;
    throw Error(ErrorCode::Io, message);
}

ClipTokenizer loadClipTokenizer(const ClipVocabularyFiles& files)
{
    if (!files.bpeGz.empty())
        return ClipTokenizer::fromBpeGz(files.bpeGz);
    return ClipTokenizer::fromVocabAndMerges(files.vocabJson, files.mergesTxt);
}

} // namespace tessera::sd

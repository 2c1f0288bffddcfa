#include "pipeline/model_registry.h"

#include "common/error.h"
#include "common/text.h"
#include "diffusion/checkpoint.h"
#include "diffusion/diffusers_folder.h"
#include "models/detect.h"
#include "models/ncnn/ncnn_model.h"
#include "models/ncnn/ncnn_param.h"
#include "models/ncnn/ncnn_shape_check.h"
#include "models/loaders/weight_store.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace tessera {
namespace {

namespace fs = std::filesystem;

/// Layer count, parameter count (weights from weight_data_size, biases, PReLU
/// slopes) and widest convolution of an ncnn graph from its .param text.
void describeNcnnGraph(const ncnn::GraphDesc& graph, ModelEntry& entry)
{
    ModelInfo info;
    info.name = entry.name;
    info.architecture = "ncnn";
    info.scale = entry.scale;
    int64_t parameters = 0;
    for (const ncnn::LayerDesc& layer : graph.layers) {
        const std::string& type = layer.type;
        if (type == "Convolution")
            info.featureChannels = std::max(info.featureChannels, layer.params.getInt(0, 0)); // num_output
        if (type == "Input" && layer.params.getInt(2, 0) > 0)
            info.inChannels = layer.params.getInt(2, 0);
        if (type == "Convolution" || type == "ConvolutionDepthWise" || type == "Deconvolution"
            || type == "DeconvolutionDepthWise") {
            parameters += layer.params.getInt(6, 0);
            if (layer.params.getInt(5, 0) != 0)
                parameters += layer.params.getInt(0, 0);
        } else if (type == "InnerProduct") {
            parameters += layer.params.getInt(2, 0);
            if (layer.params.getInt(1, 0) != 0)
                parameters += layer.params.getInt(0, 0);
        } else if (type == "PReLU") {
            parameters += layer.params.getInt(0, 0);
        }
    }
    entry.parameterCount = parameters;
    entry.details = std::to_string(graph.layers.size()) + " layers";
    info.parameterCount = parameters;
    info.details = entry.details;
    entry.info = info;
}

/// Error messages go into one line of a listing.
std::string oneLine(std::string text)
{
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
}

} // namespace

bool isModelFileName(const std::string& fileName)
{
    const std::string extension = toLower(fs::path(fileName).extension().string());
    return extension == ".pth" || extension == ".pt" || extension == ".ckpt" || extension == ".safetensors"
           || extension == ".param";
}

namespace {

/// The bytes of every file under `folder` (a diffusers pipeline's components).
int64_t folderSize(const std::string& folder)
{
    int64_t bytes = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec))
        if (std::error_code fileError; it->is_regular_file(fileError)) {
            const uintmax_t size = it->file_size(fileError);
            bytes += fileError ? 0 : int64_t(size);
        }
    return bytes;
}

} // namespace

ModelEntry describeModelFile(const std::string& path)
{
    ModelEntry entry;
    entry.path = path;
    entry.name = fs::path(path).filename().string();
    std::error_code ec;
    const bool diffusersFolder = sd::isDiffusersFolder(path);
    entry.fileSize = diffusersFolder ? folderSize(path) : int64_t(fs::file_size(path, ec));
    if (ec)
        entry.fileSize = 0;
    try {
        if (toLower(fs::path(path).extension().string()) == ".param") {
            entry.architecture = "ncnn";
            entry.kind = ModelKind::Upscale;
            fs::path weights = path;
            weights.replace_extension(".bin");
            const auto binSize = fs::file_size(weights, ec);
            if (!ec)
                entry.fileSize += int64_t(binSize);
            // The scale from the layers (strides, Interp, PixelShuffle), never from
            // the file's name; the same pass refuses graphs over the pixel budget.
            const ncnn::GraphDesc graph = ncnn::parseParamFile(path);
            entry.scale = ncnn::checkBlobShapes(graph).scale;
            if (entry.scale > 0) {
                // Describing must stay cheap (a model picker lists hundreds of
                // files): parse the graph text and leave running it to loading.
                describeNcnnGraph(graph, entry);
                return entry;
            }
            // The layers do not fix the scale: the executor measures it by running the graph.
            try {
                const std::unique_ptr<UpscaleModel> model = loadNcnnModel(path);
                entry.scale = model->info().scale;
                entry.parameterCount = model->info().parameterCount;
                entry.details = model->info().details;
                entry.info = model->info();
            } catch (const Error& e) {
                entry.error = oneLine(e.what());
            }
            return entry;
        }
        // The index only: header, pickle and zip directory; no tensor is read.
        const std::unique_ptr<WeightStore> weights = sd::openCheckpointStore(path);
        if (sd::isDiffusionCheckpoint(*weights)) {
            const sd::CheckpointLayout layout = sd::inspectCheckpoint(*weights);
            entry.kind = layout.family == sd::ModelFamily::VaeOnly ? ModelKind::Vae : ModelKind::Diffusion;
            entry.architecture = sd::familyName(layout.family);
            entry.parameterCount = layout.parameterCount();
            entry.details = layout.describe();
            return entry;
        }
        ModelInfo info = detectArchitecture(*weights);
        entry.kind = ModelKind::Upscale;
        info.name = entry.name;
        entry.architecture = info.architecture;
        entry.scale = info.scale;
        entry.parameterCount = info.parameterCount;
        entry.details = info.details;
        entry.info = std::move(info);
    } catch (const std::exception& e) {
        entry.error = oneLine(e.what());
    }
    return entry;
}

std::vector<ModelEntry> scanModels(const std::string& folder)
{
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw Error(ErrorCode::Io, folder + ": not a folder");
    std::vector<ModelEntry> entries;
    fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
    if (ec)
        throw Error(ErrorCode::Io, folder + ": cannot read the folder (" + ec.message() + ")");
    for (const fs::directory_entry& file : it) {
        // A diffusers pipeline folder is one model: listed whole, its component files not.
        // Other folders are passed over; a FIFO or a device with a model's name is
        // listed, with the reason it cannot be read.
        const bool diffusersFolder = file.is_directory(ec) && sd::isDiffusersFolder(file.path().string());
        if (diffusersFolder)
            it.disable_recursion_pending();
        else if (file.is_directory(ec) || !isModelFileName(file.path().filename().string()))
            continue;
        ModelEntry entry = describeModelFile(file.path().string());
        // Lexically: a symbolic link is named where it lies, not where it points.
        entry.name = file.path().lexically_relative(folder).generic_string();
        entries.push_back(std::move(entry));
    }
    std::sort(entries.begin(), entries.end(), [](const ModelEntry& a, const ModelEntry& b) { return a.name < b.name; });
    return entries;
}

std::string defaultModelsFolder()
{
    if (const char* env = std::getenv("TESSERA_MODELS"); env && *env)
        return env;
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.local/share/tessera/models";
}

} // namespace tessera

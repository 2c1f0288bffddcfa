#include "cli/commands.h"

#include "cli/cli_support.h"

#include "common/error.h"
#include "pipeline/model_registry.h"

#include <cstdio>
#include <iostream>
#include <string>

namespace tessera::cli {
namespace {

std::string humanCount(int64_t count)
{
    char text[32];
    if (count >= 1000000)
        std::snprintf(text, sizeof text, "%.1fM", double(count) / 1e6);
    else if (count >= 1000)
        std::snprintf(text, sizeof text, "%.0fK", double(count) / 1e3);
    else
        std::snprintf(text, sizeof text, "%lld", static_cast<long long>(count));
    return text;
}

std::string humanBytes(int64_t bytes)
{
    char text[32];
    if (bytes >= (int64_t(1) << 20))
        std::snprintf(text, sizeof text, "%.1f MiB", double(bytes) / double(1 << 20));
    else
        std::snprintf(text, sizeof text, "%.0f KiB", double(bytes) / 1024.0);
    return text;
}

std::string pad(const std::string& text, size_t width)
{
    return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

} // namespace

int runModels(const Args& args)
{
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        std::cout << "Usage: tessera-cli models [DIR]\n"
                     "Lists the model files in DIR and its subfolders (default: the models folder,\n"
                     "$TESSERA_MODELS or ~/.local/share/tessera/models): for upscale models the\n"
                     "architecture, scale, parameters, file size and hyper-parameters; for Stable\n"
                     "Diffusion checkpoints the family (SD 1.x, SDXL base, SDXL refiner, VAE) and\n"
                     "components. All read from the files' headers, no weights (an ncnn graph's\n"
                     "scale from its layers). A file that cannot be read is listed with the reason.\n";
        return kExitOk;
    }
    if (args.size() > 1 || (args.size() == 1 && !args[0].empty() && args[0][0] == '-'))
        throw UsageError{"usage: tessera-cli models [DIR]"};
    const std::string folder = args.empty() ? defaultModelsFolder() : args[0];
    // A fresh install has no models folder yet: say how to get one.
    if (args.empty() && !hasModelFiles(folder)) {
        std::cout << noModelsMessage(folder) << "\n";
        return kExitOk;
    }
    std::vector<ModelEntry> entries;
    try {
        entries = scanModels(folder);
    } catch (const Error& e) {
        std::cerr << "tessera-cli models: " << e.what() << "\n";
        return kExitFailed;
    }
    if (entries.empty()) {
        std::cout << (args.empty() ? noModelsMessage(folder) : "no model files in " + folder) << "\n";
        return kExitOk;
    }
    // One line per model with aligned columns: name, architecture, scale,
    // parameters, file size, then hyper-parameters or the error.
    struct Row {
        std::string cells[5];
        std::string tail;
    };
    std::vector<Row> rows;
    size_t widths[5] = {0, 0, 0, 0, 0};
    for (const ModelEntry& e : entries) {
        Row row;
        row.cells[0] = e.name;
        row.cells[1] = e.architecture.empty() ? "?" : e.architecture;
        // Diffusion checkpoints and VAEs have no scale: their column stays empty.
        const bool upscale = e.kind == ModelKind::Upscale || e.kind == ModelKind::Unknown;
        row.cells[2] = !upscale ? "" : e.scale > 0 ? "x" + std::to_string(e.scale) : "x?";
        row.cells[3] = e.parameterCount > 0 ? humanCount(e.parameterCount) : "-";
        row.cells[4] = humanBytes(e.fileSize);
        row.tail = e.error.empty() ? e.details : "error: " + e.error;
        for (int i = 0; i < 5; ++i)
            widths[i] = std::max(widths[i], row.cells[i].size());
        rows.push_back(std::move(row));
    }
    for (const Row& row : rows) {
        std::string line;
        for (int i = 0; i < 5; ++i)
            line += pad(row.cells[i], widths[i]) + "  ";
        line += row.tail;
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        std::cout << line << "\n";
    }
    return kExitOk;
}

} // namespace tessera::cli

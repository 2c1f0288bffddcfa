#include "io/batch_files.h"

#include "common/error.h"
#include "common/text.h"
#include "io/image_reader.h"
#include "io/image_writer.h"

#include <algorithm>
#include <map>
#include <set>
#include <system_error>

namespace tessera {

namespace {

namespace fs = std::filesystem;

bool isHidden(const fs::path& path)
{
    const std::string name = path.filename().string();
    return !name.empty() && name.front() == '.';
}

// Paths compared as the files they name ("a/../b.png" is "b.png"), whether
// they exist yet or not.
std::string identity(const fs::path& path)
{
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(path, ec);
    return (ec ? fs::absolute(path).lexically_normal() : canonical).string();
}

// Adds the image files of `folder` (and with `recursive` of its subfolders,
// except `skipped`, the output folder) to `found`.
void listFolder(const fs::path& folder, const std::string& skipped, bool recursive, std::vector<BatchInput>& found)
{
    try {
        for (auto it = fs::recursive_directory_iterator(folder); it != fs::recursive_directory_iterator(); ++it) {
            const fs::path& path = it->path();
            if (it->is_directory()) {
                if (!recursive || isHidden(path) || identity(path) == skipped)
                    it.disable_recursion_pending();
                continue;
            }
            if (!isHidden(path) && it->is_regular_file() && isReadableExtension(lowerExtension(path.string())))
                found.push_back({path, path.lexically_relative(folder)});
        }
    } catch (const fs::filesystem_error& error) {
        const fs::path where = error.path1().empty() ? folder : error.path1();
        throw Error(ErrorCode::Io, where.string() + ": cannot list the folder (" + error.code().message() + ")");
    }
}

} // namespace

std::string batchFormat(const std::string& text)
{
    std::string format = toLower(text);
    if (!format.empty() && format.front() == '.')
        format.erase(0, 1);
    return isWritableExtension(format) ? format : std::string();
}

std::vector<BatchInput> listBatchInputs(const std::vector<BatchSource>& sources, const fs::path& outputFolder)
{
    const std::string skipped = identity(outputFolder);
    std::vector<BatchInput> found;
    for (const BatchSource& source : sources) {
        std::error_code ec;
        if (fs::is_directory(source.path, ec))
            listFolder(source.path, skipped, source.recursive, found);
        else
            found.push_back({source.path, source.path.filename()});
    }
    std::sort(found.begin(), found.end(),
              [](const BatchInput& a, const BatchInput& b) { return a.path.generic_string() < b.path.generic_string(); });
    // The same file given twice (by itself and in its folder) is upscaled once.
    std::set<std::string> seen;
    std::erase_if(found, [&](const BatchInput& input) { return !seen.insert(identity(input.path)).second; });
    return found;
}

std::vector<BatchFile> planBatchOutputs(const std::vector<BatchInput>& inputs, const fs::path& outputFolder,
                                        const BatchNaming& naming, int scale)
{
    const std::string suffix = naming.suffix.value_or("-x" + std::to_string(scale));
    std::set<std::string> inputIds;
    for (const BatchInput& input : inputs)
        inputIds.insert(identity(input.path));

    std::vector<BatchFile> files;
    std::map<std::string, std::string> writers; // output -> the input that writes it
    for (const BatchInput& input : inputs) {
        const std::string own = lowerExtension(input.path.string());
        const std::string extension = !naming.format.empty()     ? naming.format
                                      : isWritableExtension(own) ? own
                                                                 : std::string("png");
        const fs::path output = outputFolder / input.relative.parent_path() /
                                (input.relative.stem().string() + suffix + "." + extension);
        const std::string id = identity(output);
        if (inputIds.count(id))
            throw Error(ErrorCode::InvalidArgument, "the output of " + input.path.string() +
                                                        " would overwrite the input " + output.string() +
                                                        "; choose another output folder or suffix");
        if (const auto [it, added] = writers.emplace(id, input.path.string()); !added)
            throw Error(ErrorCode::InvalidArgument, it->second + " and " + input.path.string() +
                                                        " would both be written to " + output.string() +
                                                        "; run them into separate folders");
        files.push_back({input.path, output, input.relative.generic_string()});
    }
    return files;
}

void createOutputFolder(const fs::path& folder)
{
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
        throw Error(ErrorCode::Io, folder.string() + ": cannot create the folder (" + ec.message() + ")");
}

} // namespace tessera

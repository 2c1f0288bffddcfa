#include "cli/cli_batch.h"

#include "cli/commands.h"
#include "common/error.h"
#include "common/text.h"
#include "io/image_reader.h"
#include "io/image_writer.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <system_error>

namespace tessera::cli {

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

bool parseWhole(std::string_view text, int& number)
{
    const char* end = text.data() + text.size();
    const auto [stop, ec] = std::from_chars(text.data(), end, number);
    return ec == std::errc() && stop == end && !text.empty();
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

void parseShard(const std::string& value, BatchOptions& options)
{
    const size_t slash = value.find('/');
    int index = -1;
    int count = 0;
    if (slash == std::string::npos || !parseWhole(std::string_view(value).substr(0, slash), index)
        || !parseWhole(std::string_view(value).substr(slash + 1), count) || count < 1 || index < 0 || index >= count)
        throw UsageError{"--shard expects I/N with 0 <= I < N (job I of N, counted from 0: 0/4 ... 3/4), not '" + value +
                         "' (a Slurm array for N jobs is --array=0-(N-1))"};
    options.shardIndex = index;
    options.shardCount = count;
}

void parseFormat(const std::string& value, BatchOptions& options)
{
    std::string format = toLower(value);
    if (!format.empty() && format.front() == '.')
        format.erase(0, 1);
    if (!isWritableExtension(format))
        throw UsageError{"--format expects png, tif, tiff, exr, jpg, jpeg or webp, not '" + value + "'"};
    options.format = format;
}

void checkOutputFolder(const std::string& folder)
{
    std::error_code ec;
    const fs::file_status status = fs::status(folder, ec);
    if (fs::exists(status) && !fs::is_directory(status))
        throw UsageError{"-o " + folder + " is a file; with several inputs or a folder, -o names a folder"};
    if (!fs::exists(status) && folder.back() != '/' && isWritableExtension(lowerExtension(folder)))
        throw UsageError{"-o " + folder + " looks like a file name; with several inputs or a folder, -o names a "
                         "folder (end it with / if that is the folder's name)"};
}

std::vector<BatchInput> listInputs(const std::vector<std::string>& inputs, const fs::path& outputFolder, bool recursive)
{
    const std::string skipped = identity(outputFolder);
    std::vector<BatchInput> found;
    for (const std::string& input : inputs) {
        std::error_code ec;
        if (fs::is_directory(input, ec))
            listFolder(input, skipped, recursive, found);
        else
            found.push_back({input, fs::path(input).filename()});
    }
    std::sort(found.begin(), found.end(),
              [](const BatchInput& a, const BatchInput& b) { return a.path.generic_string() < b.path.generic_string(); });
    // The same file given twice (by itself and in its folder) is upscaled once.
    std::set<std::string> seen;
    std::erase_if(found, [&](const BatchInput& input) { return !seen.insert(identity(input.path)).second; });
    if (found.empty()) {
        std::string names;
        for (const std::string& input : inputs)
            names += (names.empty() ? "" : ", ") + input;
        throw Error(ErrorCode::InvalidArgument, names + ": no image files there" +
                                                    (recursive ? "" : " (--recursive also looks in subfolders)"));
    }
    return found;
}

std::vector<BatchFile> planOutputs(const std::vector<BatchInput>& inputs, const fs::path& outputFolder,
                                   const BatchOptions& options, int scale)
{
    const std::string suffix = options.suffix.value_or("-x" + std::to_string(scale));
    std::set<std::string> inputIds;
    for (const BatchInput& input : inputs)
        inputIds.insert(identity(input.path));

    std::vector<BatchFile> files;
    std::map<std::string, std::string> writers; // output -> the input that writes it
    for (const BatchInput& input : inputs) {
        const std::string own = lowerExtension(input.path.string());
        const std::string extension = !options.format.empty() ? options.format
                                      : isWritableExtension(own) ? own
                                                                 : std::string("png");
        const fs::path output = outputFolder / input.relative.parent_path() /
                                (input.relative.stem().string() + suffix + "." + extension);
        const std::string id = identity(output);
        if (inputIds.count(id))
            throw UsageError{"the output of " + input.path.string() + " would overwrite the input " + output.string() +
                             "; choose another -o or --suffix"};
        if (const auto [it, added] = writers.emplace(id, input.path.string()); !added)
            throw UsageError{it->second + " and " + input.path.string() + " would both be written to " +
                             output.string() + "; run them into separate folders"};
        files.push_back({input.path, output, input.relative.generic_string()});
    }
    return files;
}

std::vector<BatchFile> takeShard(const std::vector<BatchFile>& files, const BatchOptions& options)
{
    std::vector<BatchFile> share;
    for (size_t i = size_t(options.shardIndex); i < files.size(); i += size_t(options.shardCount))
        share.push_back(files[i]);
    return share;
}

} // namespace tessera::cli

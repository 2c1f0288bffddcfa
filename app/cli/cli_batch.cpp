#include "cli/cli_batch.h"

#include "cli/commands.h"
#include "common/error.h"
#include "common/text.h"
#include "io/image_writer.h"

#include <charconv>
#include <system_error>

namespace tessera::cli {

namespace {

namespace fs = std::filesystem;

bool parseWhole(std::string_view text, int& number)
{
    const char* end = text.data() + text.size();
    const auto [stop, ec] = std::from_chars(text.data(), end, number);
    return ec == std::errc() && stop == end && !text.empty();
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
    options.naming.format = batchFormat(value);
    if (options.naming.format.empty())
        throw UsageError{"--format expects png, tif, tiff, exr, jpg, jpeg or webp, not '" + value + "'"};
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
    std::vector<BatchSource> sources;
    for (const std::string& input : inputs)
        sources.push_back({input, recursive});
    std::vector<BatchInput> found = listBatchInputs(sources, outputFolder);
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
    try {
        return planBatchOutputs(inputs, outputFolder, options.naming, scale);
    } catch (const Error& error) {
        throw UsageError{error.what()}; // a choice of -o or --suffix, not a failure of a file
    }
}

std::vector<BatchFile> takeShard(const std::vector<BatchFile>& files, const BatchOptions& options)
{
    std::vector<BatchFile> share;
    for (size_t i = size_t(options.shardIndex); i < files.size(); i += size_t(options.shardCount))
        share.push_back(files[i]);
    return share;
}

} // namespace tessera::cli

#pragma once
/// Batch upscaling's files: which image files a list of inputs (files and
/// folders) stands for, what each one's output is called under the output
/// folder, and which share of them one job of a sharded run takes. No model
/// and no pixels here; cli_upscale runs the list.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tessera::cli {

/// How inputs become outputs when -o is a folder.
struct BatchOptions {
    /// Appended to each input's stem; unset: "-x<scale>" ("photo.png" -> "photo-x4.png").
    std::optional<std::string> suffix;
    /// Output extension without the dot; empty: the input's own when we can
    /// write it, else png.
    std::string format;
    /// Folders: their subfolders too, the relative path kept under the output folder.
    bool recursive = false;
    /// Leave out inputs whose output exists (a rerun resumes).
    bool skipExisting = false;
    /// This job takes files shardIndex, shardIndex + shardCount, ... of the sorted list.
    int shardIndex = 0;
    int shardCount = 1;
};

/// An input file and where it lies below the folder it came from.
struct BatchInput {
    std::filesystem::path path;
    std::filesystem::path relative; ///< below its folder; the file name for a file given by itself
};

/// An input and the file it becomes.
struct BatchFile {
    std::filesystem::path input;
    std::filesystem::path output;
    std::string shown; ///< how progress and the summary name it (its relative path)
};

/// Parses --shard's "I/N" into `options`; UsageError unless 0 <= I < N.
void parseShard(const std::string& value, BatchOptions& options);

/// Parses --format's value (png, .TIF, ...) into `options`; UsageError for a
/// format we cannot write.
void parseFormat(const std::string& value, BatchOptions& options);

/// UsageError when `folder` exists as a file, or does not exist and ends in an
/// image extension (a file name given where several inputs need a folder).
void checkOutputFolder(const std::string& folder);

/// The image files `inputs` stand for, sorted by path, each once: files as
/// given (whatever their extension: reading them says what is wrong), and the
/// files of folders whose extension OpenImageIO reads (io/image_reader.h),
/// with `recursive` those of their subfolders too. Hidden files and folders
/// (our own temporary files among them) and `outputFolder` itself are left
/// out. Throws Error(InvalidArgument) when there is no image at all, and
/// Error(Io) naming a folder that cannot be listed.
std::vector<BatchInput> listInputs(const std::vector<std::string>& inputs, const std::filesystem::path& outputFolder,
                                   bool recursive);

/// Each input's output under `outputFolder`: relative folder, stem + suffix,
/// extension from options.format. `scale` fills the default suffix. Throws
/// UsageError when two inputs would write one file or an output is an input.
std::vector<BatchFile> planOutputs(const std::vector<BatchInput>& inputs, const std::filesystem::path& outputFolder,
                                   const BatchOptions& options, int scale);

/// Every options.shardCount-th file from options.shardIndex on.
std::vector<BatchFile> takeShard(const std::vector<BatchFile>& files, const BatchOptions& options);

} // namespace tessera::cli

#pragma once
/// Batch upscaling's command-line side: the options that say how inputs
/// become outputs, -o checked as a folder, and which share of the files one
/// job of a sharded run takes. Which files a batch has and what they are
/// called is io/batch_files.h (shared with the app); cli_upscale runs them.

#include "io/batch_files.h"

#include <string>
#include <vector>

namespace tessera::cli {

/// How inputs become outputs when -o is a folder.
struct BatchOptions {
    BatchNaming naming; ///< --suffix, --format
    /// Folders: their subfolders too, the relative path kept under the output folder.
    bool recursive = false;
    /// Leave out inputs whose output exists (a rerun resumes).
    bool skipExisting = false;
    /// This job takes files shardIndex, shardIndex + shardCount, ... of the sorted list.
    int shardIndex = 0;
    int shardCount = 1;
};

/// Parses --shard's "I/N" into `options`; UsageError unless 0 <= I < N.
void parseShard(const std::string& value, BatchOptions& options);

/// Parses --format's value (png, .TIF, ...) into `options`; UsageError for a
/// format we cannot write.
void parseFormat(const std::string& value, BatchOptions& options);

/// UsageError when `folder` exists as a file, or does not exist and ends in an
/// image extension (a file name given where several inputs need a folder).
void checkOutputFolder(const std::string& folder);

/// The image files of `inputs` (files and folders, --recursive applying to
/// every folder) as listBatchInputs() finds them; Error(InvalidArgument)
/// when there is none.
std::vector<BatchInput> listInputs(const std::vector<std::string>& inputs, const std::filesystem::path& outputFolder,
                                   bool recursive);

/// planBatchOutputs(), its refusals (two inputs into one file, an output
/// that is an input) as UsageError.
std::vector<BatchFile> planOutputs(const std::vector<BatchInput>& inputs, const std::filesystem::path& outputFolder,
                                   const BatchOptions& options, int scale);

/// Every options.shardCount-th file from options.shardIndex on.
std::vector<BatchFile> takeShard(const std::vector<BatchFile>& files, const BatchOptions& options);

} // namespace tessera::cli

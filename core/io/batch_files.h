#pragma once
/// The files of a batch upscale, shared by tessera-cli and the app's batch
/// dialog: which image files a list of files and folders stands for (in
/// which order), and what each one's output is called under the output
/// folder. No model and no pixels here; io/batch_upscale.h runs the list.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tessera {

/// A file or a folder given as input.
struct BatchSource {
    std::filesystem::path path;
    /// A folder: its subfolders too, their relative paths kept under the output folder.
    bool recursive = false;
};

/// How inputs are named in the output folder.
struct BatchNaming {
    /// Appended to each input's stem; unset: "-x<scale>" ("photo.png" -> "photo-x4.png").
    std::optional<std::string> suffix;
    /// Output extension in lower case without the dot (batchFormat()); empty:
    /// the input's own when we can write it, else png.
    std::string format;
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

/// `text` (png, .TIF, ...) as the extension a batch writes ("tif"), or empty
/// when we cannot write that format.
std::string batchFormat(const std::string& text);

/// The image files `sources` stand for, sorted by path, each once: files as
/// given (whatever their extension: reading them says what is wrong), and the
/// files of folders whose extension OpenImageIO reads (io/image_reader.h),
/// with `recursive` those of their subfolders too. Hidden files and folders
/// (our own temporary files among them) and `outputFolder` itself are left
/// out. Empty when there is no image at all (the caller says so in its own
/// terms); throws Error(Io) naming a folder that cannot be listed.
std::vector<BatchInput> listBatchInputs(const std::vector<BatchSource>& sources,
                                        const std::filesystem::path& outputFolder);

/// Each input's output under `outputFolder`: relative folder, stem + suffix,
/// extension from naming.format. `scale` fills the default suffix. Throws
/// Error(InvalidArgument) when two inputs would write one file or an output
/// is an input.
std::vector<BatchFile> planBatchOutputs(const std::vector<BatchInput>& inputs,
                                        const std::filesystem::path& outputFolder, const BatchNaming& naming,
                                        int scale);

/// Creates `folder` and its parents when missing; throws Error(Io) naming it.
void createOutputFolder(const std::filesystem::path& folder);

} // namespace tessera

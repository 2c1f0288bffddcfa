#include "models/loaders/file_bytes.h"

#include "common/error.h"

#include <fstream>

namespace tessera {

std::vector<uint8_t> readFileBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        throw Error(ErrorCode::Io, path + ": cannot open the file");
    const std::streamoff size = in.tellg();
    if (size < 0)
        throw Error(ErrorCode::Io, path + ": cannot determine the file size");
    std::vector<uint8_t> bytes(static_cast<size_t>(size));
    in.seekg(0);
    if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size))
        throw Error(ErrorCode::Io, path + ": reading the file failed");
    return bytes;
}

} // namespace tessera

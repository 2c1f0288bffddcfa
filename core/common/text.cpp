#include "common/text.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace tessera {

std::string toLower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return text;
}

std::string lowerExtension(const std::string& path)
{
    std::string extension = std::filesystem::path(path).extension().string();
    if (!extension.empty())
        extension.erase(0, 1);
    return toLower(extension);
}

} // namespace tessera

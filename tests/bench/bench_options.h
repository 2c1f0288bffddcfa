#pragma once
// tessera-bench's options: the "--key value" pairs of the command line, read
// with a fallback by every mode.

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace tessera::bench {

using Options = std::map<std::string, std::string>;

inline std::string textOption(const Options& options, const std::string& key, const std::string& fallback = "")
{
    const auto it = options.find(key);
    return it == options.end() ? fallback : it->second;
}

inline int intOption(const Options& options, const std::string& key, int fallback)
{
    const auto it = options.find(key);
    return it == options.end() ? fallback : std::stoi(it->second);
}

/// A comma-separated option ("512,1024") as its items; empty items left out.
inline std::vector<std::string> listOption(const Options& options, const std::string& key, const std::string& fallback)
{
    std::vector<std::string> items;
    std::stringstream text(textOption(options, key, fallback));
    for (std::string item; std::getline(text, item, ',');)
        if (!item.empty())
            items.push_back(item);
    return items;
}

} // namespace tessera::bench

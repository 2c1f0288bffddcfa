#include "models/ncnn/ncnn_param.h"

#include "common/error.h"
#include "common/regular_file.h"

#include <cstdint>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

namespace tessera::ncnn {

namespace {

constexpr int kMagic = 7767517;
constexpr int kArrayKeyBase = 23300;
// ncnn keeps parameters in a fixed table of this many ids.
constexpr int kMaxParamId = 32;
// 100000 layers of a few hundred characters each, the most the counts line allows.
constexpr uint64_t kMaxParamBytes = uint64_t(64) << 20;

[[noreturn]] void fail(const std::string& source, int line, const std::string& what)
{
    throw Error(ErrorCode::InvalidModel,
                source + ":" + std::to_string(line) + ": " + what);
}

std::vector<std::string> splitWhitespace(const std::string& line)
{
    std::vector<std::string> tokens;
    std::istringstream stream(line);
    std::string token;
    while (stream >> token)
        tokens.push_back(token);
    return tokens;
}

std::vector<std::string> splitComma(const std::string& text)
{
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        parts.push_back(text.substr(start, comma - start));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return parts;
}

bool parseInt(const std::string& text, int& value)
{
    if (text.empty())
        return false;
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (errno != 0 || *end != '\0' || v < INT32_MIN || v > INT32_MAX)
        return false;
    value = int(v);
    return true;
}

// ncnn treats a value as a float when it contains '.' or 'e'.
bool looksFloat(const std::string& text)
{
    for (char c : text)
        if (c == '.' || c == 'e' || c == 'E')
            return true;
    return false;
}

bool parseNumber(const std::string& text, double& value, bool& isFloat)
{
    isFloat = looksFloat(text);
    if (!isFloat) {
        int i = 0;
        if (!parseInt(text, i))
            return false;
        value = i;
        return true;
    }
    if (text.empty())
        return false;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (*end != '\0' || !std::isfinite(v))
        return false;
    value = v;
    return true;
}

ParamValue parseValue(const std::string& source, int line, int id, bool isArrayKey,
                      const std::string& text)
{
    ParamValue value;
    const auto bad = [&](const std::string& why) {
        fail(source, line, "parameter " + std::to_string(id) + " value '" + text + "': " + why);
    };
    if (!text.empty() && (std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '"')) {
        if (isArrayKey)
            bad("expected numbers");
        value.text = text;
        if (!value.text.empty() && value.text.front() == '"')
            value.text.erase(0, 1);
        if (!value.text.empty() && value.text.back() == '"')
            value.text.pop_back();
        return value;
    }
    std::vector<std::string> parts = splitComma(text);
    if (isArrayKey) {
        // "len,v1,...,vlen"
        int length = 0;
        if (!parseInt(parts[0], length) || length < 0)
            bad("array length is not a non-negative integer");
        if (int(parts.size()) - 1 != length)
            bad("array says " + std::to_string(length) + " values but has "
                + std::to_string(parts.size() - 1));
        parts.erase(parts.begin());
        value.isArray = true;
    } else {
        // newer ncnn writes arrays as "id=v1,v2,..."
        value.isArray = parts.size() > 1;
    }
    for (const std::string& part : parts) {
        double number = 0;
        bool isFloat = false;
        if (!parseNumber(part, number, isFloat))
            bad("'" + part + "' is not a number");
        value.isFloat = value.isFloat || isFloat;
        value.values.push_back(number);
    }
    return value;
}

} // namespace

std::string layerLocation(const LayerDesc& layer)
{
    return layer.source + ":" + std::to_string(layer.line) + ": " + layer.type + " layer '" + layer.name + "'";
}

int ParamDict::getInt(int id, int def) const
{
    const auto it = m_values.find(id);
    if (it == m_values.end() || it->second.values.empty())
        return def;
    return int(std::lround(it->second.values.front()));
}

float ParamDict::getFloat(int id, float def) const
{
    const auto it = m_values.find(id);
    if (it == m_values.end() || it->second.values.empty())
        return def;
    return float(it->second.values.front());
}

std::vector<float> ParamDict::getFloats(int id) const
{
    std::vector<float> out;
    const auto it = m_values.find(id);
    if (it != m_values.end())
        for (double v : it->second.values)
            out.push_back(float(v));
    return out;
}

std::vector<int> ParamDict::getInts(int id) const
{
    std::vector<int> out;
    const auto it = m_values.find(id);
    if (it != m_values.end())
        for (double v : it->second.values)
            out.push_back(int(std::lround(v)));
    return out;
}

std::vector<int> ParamDict::ids() const
{
    std::vector<int> out;
    for (const auto& [id, value] : m_values)
        out.push_back(id);
    return out;
}

GraphDesc parseParam(const std::string& text, const std::string& sourceName)
{
    std::istringstream stream(text);
    std::string line;
    int lineNumber = 0;

    const auto nextLine = [&]() -> bool {
        while (std::getline(stream, line)) {
            ++lineNumber;
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            if (line.find_first_not_of(" \t") != std::string::npos)
                return true;
        }
        return false;
    };

    if (!nextLine())
        fail(sourceName, lineNumber, "empty file, expected the ncnn magic 7767517");
    {
        int magic = 0;
        const auto tokens = splitWhitespace(line);
        if (tokens.size() != 1 || !parseInt(tokens[0], magic) || magic != kMagic)
            fail(sourceName, lineNumber,
                 "not an ncnn .param file (first line must be the magic 7767517, found '"
                     + line.substr(0, 40) + "')");
    }

    GraphDesc graph;
    int layerCount = 0;
    {
        if (!nextLine())
            fail(sourceName, lineNumber, "missing the 'layer_count blob_count' line");
        const auto tokens = splitWhitespace(line);
        if (tokens.size() != 2 || !parseInt(tokens[0], layerCount) || !parseInt(tokens[1], graph.blobCount)
            || layerCount <= 0 || graph.blobCount <= 0 || layerCount > 100000 || graph.blobCount > 1000000)
            fail(sourceName, lineNumber, "expected 'layer_count blob_count' (two positive integers), found '"
                                             + line + "'");
    }

    std::set<std::string> produced;
    for (int index = 0; index < layerCount; ++index) {
        if (!nextLine())
            fail(sourceName, lineNumber, "file ends after " + std::to_string(index) + " of "
                                             + std::to_string(layerCount) + " layers");
        std::vector<std::string> tokens = splitWhitespace(line);
        if (tokens.size() < 4)
            fail(sourceName, lineNumber, "a layer line needs 'type name input_count output_count'");
        LayerDesc layer;
        layer.line = lineNumber;
        layer.source = sourceName;
        layer.type = tokens[0];
        layer.name = tokens[1];
        int inputCount = 0;
        int outputCount = 0;
        if (!parseInt(tokens[2], inputCount) || !parseInt(tokens[3], outputCount) || inputCount < 0
            || outputCount < 0 || inputCount > 4096 || outputCount > 4096)
            fail(sourceName, lineNumber, "bad input/output counts in layer '" + layer.name + "'");
        if (tokens.size() < size_t(4 + inputCount + outputCount))
            fail(sourceName, lineNumber, "layer '" + layer.name + "' lists fewer blobs than its counts say");
        size_t t = 4;
        for (int i = 0; i < inputCount; ++i, ++t) {
            if (!produced.count(tokens[t]))
                fail(sourceName, lineNumber, "layer '" + layer.name + "' reads blob '" + tokens[t]
                                                 + "' before any layer produces it");
            layer.inputs.push_back(tokens[t]);
        }
        for (int i = 0; i < outputCount; ++i, ++t) {
            if (!produced.insert(tokens[t]).second)
                fail(sourceName, lineNumber, "blob '" + tokens[t] + "' is produced twice");
            layer.outputs.push_back(tokens[t]);
        }
        for (; t < tokens.size(); ++t) {
            std::string token = tokens[t];
            // A quoted string value may contain spaces: glue tokens back together.
            const size_t eq = token.find('=');
            if (eq != std::string::npos && eq + 1 < token.size() && token[eq + 1] == '"') {
                while ((token.size() < eq + 3 || token.back() != '"') && t + 1 < tokens.size())
                    token += " " + tokens[++t];
            }
            int key = 0;
            if (eq == std::string::npos || !parseInt(token.substr(0, eq), key))
                fail(sourceName, lineNumber, "layer '" + layer.name + "': expected key=value, found '"
                                                 + token + "'");
            const bool isArrayKey = key <= -kArrayKeyBase;
            const int id = isArrayKey ? -key - kArrayKeyBase : key;
            if (id < 0 || id >= kMaxParamId)
                fail(sourceName, lineNumber, "layer '" + layer.name + "': parameter key "
                                                 + std::to_string(key) + " is out of range");
            layer.params.set(id, parseValue(sourceName, lineNumber, id, isArrayKey, token.substr(eq + 1)));
        }
        graph.layers.push_back(std::move(layer));
    }
    return graph;
}

GraphDesc parseParamFile(const std::string& path)
{
    return parseParam(readRegularFile(path, kMaxParamBytes), path);
}

} // namespace tessera::ncnn

#pragma once
/// Parser for ncnn's .param text format (internal to core/models/ncnn).
///
/// The file is: the magic 7767517, then "layer_count blob_count", then one
/// line per layer: `Type name input_count output_count inputs... outputs...
/// k=v ...`. A key k >= 0 holds one value (int or float, a float being any
/// value written with '.' or 'e'); a key written as -(23300 + id) holds an
/// array "len,v1,v2,..." for parameter id.

#include <map>
#include <string>
#include <vector>

namespace tessera::ncnn {

/// One parameter value: a scalar, an array, or (newer ncnn) a string.
struct ParamValue {
    std::vector<double> values; ///< one value for a scalar
    bool isArray = false;
    bool isFloat = false;
    std::string text;           ///< string parameters only
};

/// A layer's parameters by id, with ncnn's defaults supplied by the caller.
class ParamDict {
public:
    void set(int id, ParamValue value) { m_values[id] = std::move(value); }
    bool has(int id) const { return m_values.count(id) != 0; }

    /// A scalar as an int or a float (ints and floats convert into each other).
    int getInt(int id, int def) const;
    float getFloat(int id, float def) const;
    /// An array (or a scalar as a one-element array); empty when absent.
    std::vector<float> getFloats(int id) const;
    std::vector<int> getInts(int id) const;
    /// Ids present, for error messages.
    std::vector<int> ids() const;

private:
    std::map<int, ParamValue> m_values;
};

struct LayerDesc {
    std::string type;
    std::string name;
    std::vector<std::string> inputs;  ///< blob names consumed
    std::vector<std::string> outputs; ///< blob names produced
    ParamDict params;
    int line = 0;                     ///< 1-based line in the .param file
    std::string source;               ///< the .param file, for error messages
};

/// "<file>:<line>: <Type> layer '<name>'": how errors about a layer begin.
std::string layerLocation(const LayerDesc& layer);

struct GraphDesc {
    std::vector<LayerDesc> layers; ///< in file order (ncnn writes them topologically sorted)
    int blobCount = 0;
};

/// Parses the text of a .param file. `sourceName` names the file in errors.
/// Throws Error(InvalidModel) for a wrong magic, bad counts, a malformed line,
/// a blob consumed before it is produced, or a blob produced twice.
GraphDesc parseParam(const std::string& text, const std::string& sourceName);

/// Reads and parses the .param file `path` (a regular file of at most 64 MiB:
/// real graphs are a few KiB). Throws Error(Io) when it cannot be read, is not
/// a regular file or is larger, plus parseParam's errors.
GraphDesc parseParamFile(const std::string& path);

} // namespace tessera::ncnn

#pragma once
// Test helpers that write torch.save-style files byte by byte (no python, no
// torch.save): a small pickle assembler, the zip format and the legacy format.

#include <ATen/ATen.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <QTemporaryDir>

#include <fstream>
#include <string>

namespace tessera::test {

/// Assembles pickle opcodes.
class PickleWriter {
public:
    std::vector<uint8_t> bytes;

    PickleWriter& op(uint8_t code) { bytes.push_back(code); return *this; }
    PickleWriter& proto(int version) { op(0x80); return op(uint8_t(version)); }
    PickleWriter& mark() { return op('('); }
    PickleWriter& stop() { return op('.'); }
    PickleWriter& str(const std::string& s)
    {
        if (s.size() < 256) {
            op(0x8c); op(uint8_t(s.size()));
        } else {
            op('X'); le(s.size(), 4);
        }
        bytes.insert(bytes.end(), s.begin(), s.end());
        return *this;
    }
    /// protocol-2 style string (BINUNICODE) for legacy files.
    PickleWriter& unicode(const std::string& s)
    {
        op('X'); le(s.size(), 4);
        bytes.insert(bytes.end(), s.begin(), s.end());
        return *this;
    }
    PickleWriter& integer(int64_t v)
    {
        if (v >= 0 && v < 256) { op('K'); op(uint8_t(v)); }
        else if (v >= INT32_MIN && v <= INT32_MAX) { op('J'); le(uint64_t(uint32_t(int32_t(v))), 4); }
        else { op(0x8a); op(8); le(uint64_t(v), 8); }
        return *this;
    }
    PickleWriter& global(const std::string& module, const std::string& name)
    {
        op('c');
        bytes.insert(bytes.end(), module.begin(), module.end()); op('\n');
        bytes.insert(bytes.end(), name.begin(), name.end()); op('\n');
        return *this;
    }
    PickleWriter& le(uint64_t v, int n)
    {
        for (int i = 0; i < n; ++i)
            bytes.push_back(uint8_t(v >> (8 * i)));
        return *this;
    }
    PickleWriter& intTuple(const std::vector<int64_t>& values)
    {
        mark();
        for (int64_t v : values)
            integer(v);
        return op('t');
    }
    /// torch._utils._rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict())
    PickleWriter& tensor(const std::string& key, int64_t numel, int64_t offset, const std::vector<int64_t>& sizes,
                         const std::vector<int64_t>& strides, bool legacy, const std::string& storageType = "FloatStorage")
    {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark();
        legacy ? unicode("storage") : str("storage");
        global("torch", storageType);
        legacy ? unicode(key) : str(key);
        legacy ? unicode("cpu") : str("cpu");
        integer(numel);
        if (legacy)
            op('N');
        op('t');
        op('Q');
        integer(offset);
        intTuple(sizes);
        intTuple(strides);
        op(0x89);
        global("collections", "OrderedDict");
        op(')');
        op('R');
        op('t');
        return op('R');
    }
};

/// A tensor to write: its storage (float32 values) and the view into it.
struct StoredTensor {
    std::vector<float> storage;
    int64_t offset = 0;
    std::vector<int64_t> sizes;
    std::vector<int64_t> strides;
};

inline StoredTensor contiguousTensor(const at::Tensor& t)
{
    StoredTensor s;
    at::Tensor c = t.to(at::kFloat).contiguous();
    s.storage.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    s.sizes = c.sizes().vec();
    s.strides = c.strides().vec();
    return s;
}

/// The main pickle: {wrapper: {name: tensor}} or {name: tensor} when wrapper is empty.
inline std::vector<uint8_t> statePickle(const std::map<std::string, StoredTensor>& tensors,
                                        const std::string& wrapper, bool legacy)
{
    PickleWriter w;
    w.proto(2);
    if (!wrapper.empty()) {
        w.op('}');
        legacy ? w.unicode(wrapper) : w.str(wrapper);
    }
    w.global("collections", "OrderedDict").op(')').op('R');
    w.mark();
    int key = 0;
    for (const auto& [name, t] : tensors) {
        legacy ? w.unicode(name) : w.str(name);
        w.tensor(std::to_string(key++), int64_t(t.storage.size()), t.offset, t.sizes, t.strides, legacy);
    }
    w.op('u');
    if (!wrapper.empty())
        w.op('s');
    w.stop();
    return w.bytes;
}

/// A zip archive with stored entries (the format torch.save writes since 1.6).
inline std::vector<uint8_t> zipArchive(const std::vector<std::pair<std::string, std::vector<uint8_t>>>& files)
{
    std::vector<uint8_t> out;
    std::vector<uint8_t> directory;
    auto le = [](std::vector<uint8_t>& v, uint64_t x, int n) {
        for (int i = 0; i < n; ++i)
            v.push_back(uint8_t(x >> (8 * i)));
    };
    for (const auto& [name, data] : files) {
        const uint64_t local = out.size();
        le(out, 0x04034b50, 4); le(out, 20, 2); le(out, 0, 2); le(out, 0, 2); le(out, 0, 4);
        le(out, 0, 4); le(out, data.size(), 4); le(out, data.size(), 4);
        le(out, name.size(), 2); le(out, 0, 2);
        out.insert(out.end(), name.begin(), name.end());
        out.insert(out.end(), data.begin(), data.end());
        le(directory, 0x02014b50, 4); le(directory, 20, 2); le(directory, 20, 2); le(directory, 0, 2);
        le(directory, 0, 2); le(directory, 0, 4); le(directory, 0, 4);
        le(directory, data.size(), 4); le(directory, data.size(), 4);
        le(directory, name.size(), 2); le(directory, 0, 2); le(directory, 0, 2); le(directory, 0, 2);
        le(directory, 0, 2); le(directory, 0, 4); le(directory, local, 4);
        directory.insert(directory.end(), name.begin(), name.end());
    }
    const uint64_t dirOffset = out.size();
    out.insert(out.end(), directory.begin(), directory.end());
    le(out, 0x06054b50, 4); le(out, 0, 2); le(out, 0, 2); le(out, files.size(), 2); le(out, files.size(), 2);
    le(out, directory.size(), 4); le(out, dirOffset, 4); le(out, 0, 2);
    return out;
}

inline std::vector<uint8_t> floatBytes(const std::vector<float>& values)
{
    std::vector<uint8_t> b(values.size() * 4);
    if (!values.empty())
        std::memcpy(b.data(), values.data(), b.size());
    return b;
}

inline std::vector<uint8_t> torchZip(const std::map<std::string, StoredTensor>& tensors, const std::string& wrapper)
{
    std::vector<std::pair<std::string, std::vector<uint8_t>>> files;
    files.push_back({"archive/data.pkl", statePickle(tensors, wrapper, false)});
    files.push_back({"archive/byteorder", {'l', 'i', 't', 't', 'l', 'e'}});
    int key = 0;
    for (const auto& [name, t] : tensors)
        files.push_back({"archive/data/" + std::to_string(key++), floatBytes(t.storage)});
    return zipArchive(files);
}

/// What a legacy file holds before its main pickle: the magic number, protocol
/// version and sys_info pickles.
inline std::vector<uint8_t> legacyPreamble()
{
    std::vector<uint8_t> out;
    PickleWriter magic;
    magic.proto(2).op(0x8a).op(10);
    for (uint8_t b : {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19})
        magic.op(b);
    magic.stop();
    PickleWriter protocol;
    protocol.proto(2).integer(1001).stop();
    PickleWriter sysInfo;
    sysInfo.proto(2).op('}').mark().unicode("protocol_version").integer(1001).unicode("little_endian").op(0x88).op('u').stop();
    for (const auto* part : {&magic.bytes, &protocol.bytes, &sysInfo.bytes})
        out.insert(out.end(), part->begin(), part->end());
    return out;
}

inline std::vector<uint8_t> torchLegacy(const std::map<std::string, StoredTensor>& tensors, const std::string& wrapper)
{
    std::vector<uint8_t> out = legacyPreamble();
    PickleWriter keys;
    keys.proto(2).op(']').mark();
    for (size_t i = 0; i < tensors.size(); ++i)
        keys.unicode(std::to_string(i));
    keys.op('e').stop();
    const std::vector<uint8_t> main = statePickle(tensors, wrapper, true);
    out.insert(out.end(), main.begin(), main.end());
    out.insert(out.end(), keys.bytes.begin(), keys.bytes.end());
    for (const auto& [name, t] : tensors) {
        for (int i = 0; i < 8; ++i)
            out.push_back(uint8_t(uint64_t(t.storage.size()) >> (8 * i)));
        const std::vector<uint8_t> data = floatBytes(t.storage);
        out.insert(out.end(), data.begin(), data.end());
    }
    return out;
}

/// Writes `bytes` as the file `name` in `dir` and returns its path.
inline std::string writeFile(const QTemporaryDir& dir, const std::string& name, const std::vector<uint8_t>& bytes)
{
    const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    return path;
}

/// A hostile .pth (issue 10): its pickle is PROTO 2 and then `count` times the
/// one-byte opcode `op` (no STOP), as the zip entry archive/data.pkl or as a
/// legacy file's main pickle. Written 1 MiB at a time, never held in memory.
inline void writePushesPth(const std::string& path, uint8_t op, uint64_t count, bool legacy)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    auto le = [&](uint64_t value, int bytes) {
        for (int i = 0; i < bytes; ++i)
            out.put(char(uint8_t(value >> (8 * i))));
    };
    auto pushes = [&] {
        out.put(char(0x80));
        out.put(char(2));
        const std::vector<char> chunk(1 << 20, char(op));
        for (uint64_t left = count; left > 0;) {
            const uint64_t n = std::min<uint64_t>(left, chunk.size());
            out.write(chunk.data(), std::streamsize(n));
            left -= n;
        }
    };
    if (legacy) {
        const std::vector<uint8_t> preamble = legacyPreamble();
        out.write(reinterpret_cast<const char*>(preamble.data()), std::streamsize(preamble.size()));
        pushes();
        return;
    }
    // One stored entry: local header, data, central directory entry, end record (as zipArchive).
    const std::string name = "archive/data.pkl";
    const uint64_t size = 2 + count;
    le(0x04034b50, 4); le(20, 2); le(0, 2); le(0, 2); le(0, 4);
    le(0, 4); le(size, 4); le(size, 4); le(name.size(), 2); le(0, 2);
    out << name;
    pushes();
    const uint64_t directory = 30 + name.size() + size;
    le(0x02014b50, 4); le(20, 2); le(20, 2); le(0, 2); le(0, 2); le(0, 4); le(0, 4);
    le(size, 4); le(size, 4); le(name.size(), 2); le(0, 2); le(0, 2); le(0, 2); le(0, 2); le(0, 4); le(0, 4);
    out << name;
    le(0x06054b50, 4); le(0, 2); le(0, 2); le(1, 2); le(1, 2); le(46 + name.size(), 4); le(directory, 4); le(0, 2);
}

} // namespace tessera::test

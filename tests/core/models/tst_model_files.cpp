// Loaders for weight files: safetensors (reader and writer), torch.save zip and
// legacy pickles written byte by byte here, the restricted unpickler's
// refusals, and corrupt or truncated inputs.

#include "common/error.h"
#include "models/loaders/safetensors.h"
#include "models/loaders/weight_store.h"
#include "store_helpers.h"
#include "torch_file_writer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace tessera;
using namespace tessera::test;

namespace {

std::vector<uint8_t> safetensorsBytes(const std::string& header, size_t dataBytes, uint64_t claimedSize = 0)
{
    std::vector<uint8_t> out;
    const uint64_t size = claimedSize ? claimedSize : header.size();
    for (int i = 0; i < 8; ++i)
        out.push_back(uint8_t(size >> (8 * i)));
    out.insert(out.end(), header.begin(), header.end());
    out.resize(out.size() + dataBytes, 0);
    return out;
}

// Every tensor of the file at `path`, through its weight store.
StateDict loadAll(const std::string& path)
{
    return readAllTensors(*openWeightStore(path));
}

// Returns the error code and message of loading `path`, or fails the test when it loads.
std::pair<ErrorCode, QString> loadError(const std::string& path)
{
    try {
        loadAll(path);
    } catch (const Error& e) {
        return {e.code(), QString::fromStdString(e.what())};
    }
    return {ErrorCode::Internal, QStringLiteral("loaded without an error")};
}

std::map<std::string, StoredTensor> sampleTensors()
{
    std::map<std::string, StoredTensor> tensors;
    tensors["conv.weight"] = contiguousTensor(at::arange(24, at::kFloat).reshape({2, 3, 2, 2}));
    tensors["conv.bias"] = contiguousTensor(at::tensor({0.5f, -1.5f}));
    // A transposed view at a storage offset: values storage[2 + i + 3 * j] at [i][j]... as_strided.
    StoredTensor view;
    view.storage = {9, 9, 0, 1, 2, 3, 4, 5};
    view.offset = 2;
    view.sizes = {3, 2};
    view.strides = {1, 3};
    tensors["view"] = view;
    return tensors;
}

void checkSample(const StateDict& sd)
{
    QCOMPARE(int(sd.size()), 3);
    QVERIFY(at::equal(sd.at("conv.weight"), at::arange(24, at::kFloat).reshape({2, 3, 2, 2})));
    QVERIFY(at::equal(sd.at("conv.bias"), at::tensor({0.5f, -1.5f})));
    QVERIFY(at::equal(sd.at("view"), at::tensor({0.f, 3.f, 1.f, 4.f, 2.f, 5.f}).reshape({3, 2})));
    QVERIFY(sd.at("view").is_contiguous());
}

} // namespace

class TestModelFiles : public QObject {
    Q_OBJECT
private slots:
    void safetensorsRoundTrip()
    {
        QTemporaryDir dir;
        StateDict sd;
        sd["a.weight"] = at::randn({4, 3, 3, 3});
        sd["a.bias"] = at::randn({4}).to(at::kHalf);
        sd["b.weight"] = at::randn({5}).to(at::kBFloat16);
        sd["empty"] = at::empty({0, 3});
        const std::string path = dir.filePath("w.safetensors").toStdString();
        saveSafetensors(path, sd, {{"format", "pt"}});
        const StateDict back = loadAll(path);
        QCOMPARE(int(back.size()), 4);
        for (const auto& [k, v] : sd) {
            QCOMPARE(back.at(k).scalar_type(), v.scalar_type()); // the stored dtype is kept
            QVERIFY(at::equal(back.at(k), v));
        }
    }

    void safetensorsHeaderSizeThatLooksLikeAPickle()
    {
        // A 1152-byte header: the file starts 80 04, a pickle PROTO 4 opcode.
        std::string header = R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
        header.resize(1152, ' ');
        QTemporaryDir dir;
        const std::string path = writeFile(dir, "w.safetensors", safetensorsBytes(header, 4));
        const StateDict back = loadAll(path);
        QCOMPARE(int(back.size()), 1);
        QCOMPARE(back.at("a").item<float>(), 0.0f);
    }

    void safetensorsRejectsCorruptHeaders_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("dataBytes");
        QTest::addColumn<qulonglong>("claimed");
        QTest::newRow("huge size") << QByteArray("{}") << 0 << qulonglong(1ull << 62);
        QTest::newRow("size past end") << QByteArray("{}") << 0 << qulonglong(100);
        QTest::newRow("not json") << QByteArray("{\"a\": [1, 2") << 0 << qulonglong(0);
        QTest::newRow("not object") << QByteArray("[1, 2]") << 0 << qulonglong(0);
        QTest::newRow("offset out of range")
            << QByteArray(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})") << 4 << qulonglong(0);
        QTest::newRow("size mismatch")
            << QByteArray(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})") << 8 << qulonglong(0);
        QTest::newRow("overlap")
            << QByteArray(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})")
            << 12 << qulonglong(0);
        QTest::newRow("begin after end")
            << QByteArray(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})") << 8 << qulonglong(0);
        QTest::newRow("huge shape")
            << QByteArray(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})") << 8
            << qulonglong(0);
        QTest::newRow("negative dim")
            << QByteArray(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})") << 4 << qulonglong(0);
        QTest::newRow("unsigned dtype")
            << QByteArray(R"({"a":{"dtype":"U16","shape":[4],"data_offsets":[0,8]}})") << 8 << qulonglong(0);
        QTest::newRow("missing fields") << QByteArray(R"({"a":{"dtype":"F32"}})") << 0 << qulonglong(0);
    }
    void safetensorsRejectsCorruptHeaders()
    {
        QFETCH(QByteArray, header);
        QFETCH(int, dataBytes);
        QFETCH(qulonglong, claimed);
        QTemporaryDir dir;
        const std::string path = writeFile(dir, "bad.safetensors",
                                           safetensorsBytes(header.toStdString(), size_t(dataBytes), claimed));
        const auto [code, message] = loadError(path);
        QVERIFY2(code == ErrorCode::InvalidModel, qPrintable(message));
    }

    void safetensorsTruncated()
    {
        QTemporaryDir dir;
        StateDict sd;
        sd["w"] = at::randn({8, 8});
        const std::string path = dir.filePath("w.safetensors").toStdString();
        saveSafetensors(path, sd);
        std::ifstream in(path, std::ios::binary);
        const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (size_t cut : {size_t(0), size_t(4), size_t(9), size_t(30), bytes.size() - 1}) {
            const std::string cutPath = writeFile(dir, "cut.safetensors", {bytes.begin(), bytes.begin() + std::ptrdiff_t(cut)});
            QVERIFY2(loadError(cutPath).first == ErrorCode::InvalidModel, qPrintable(QString::number(cut)));
        }
    }

    void pthZipLoads()
    {
        QTemporaryDir dir;
        const std::string path = writeFile(dir, "m.pth", torchZip(sampleTensors(), "params_ema"));
        checkSample(loadAll(path));
    }

    void pthLegacyLoads()
    {
        QTemporaryDir dir;
        const std::string path = writeFile(dir, "m.pth", torchLegacy(sampleTensors(), ""));
        checkSample(loadAll(path));
    }

    void stripsModulePrefix()
    {
        QTemporaryDir dir;
        std::map<std::string, StoredTensor> tensors;
        tensors["module.body.0.weight"] = contiguousTensor(at::ones({2}));
        const StateDict sd = loadAll(writeFile(dir, "m.pth", torchZip(tensors, "state_dict")));
        QCOMPARE(int(sd.size()), 1);
        QVERIFY(sd.count("body.0.weight") == 1);
    }

    void pthTruncatedAndCorrupted()
    {
        QTemporaryDir dir;
        for (bool legacy : {false, true}) {
            const std::vector<uint8_t> bytes = legacy ? torchLegacy(sampleTensors(), "params")
                                                      : torchZip(sampleTensors(), "params");
            // Every cut point: each must be a clean InvalidModel error.
            for (size_t cut = 1; cut < bytes.size(); cut += (legacy ? 1 : 7)) {
                const std::string path = writeFile(dir, "cut.pth", {bytes.begin(), bytes.begin() + std::ptrdiff_t(cut)});
                const auto [code, message] = loadError(path);
                QVERIFY2(code == ErrorCode::InvalidModel, qPrintable(QString::number(cut) + ": " + message));
            }
            // Flipped bytes: either a clean error or a load; never a crash.
            for (size_t at = 0; at < bytes.size(); at += 3) {
                std::vector<uint8_t> corrupted = bytes;
                corrupted[at] ^= 0xff;
                try {
                    loadAll(writeFile(dir, "flip.pth", corrupted));
                } catch (const Error& e) {
                    QVERIFY2(e.code() == ErrorCode::InvalidModel, e.what());
                }
            }
        }
    }

    void tensorViewOutsideStorageRefused()
    {
        QTemporaryDir dir;
        std::map<std::string, StoredTensor> tensors;
        StoredTensor t;
        t.storage = {1, 2, 3, 4};
        t.sizes = {1000000, 1000000};
        t.strides = {1000000, 1};
        tensors["w"] = t;
        const auto [code, message] = loadError(writeFile(dir, "big.pth", torchZip(tensors, "")));
        QCOMPARE(code, ErrorCode::InvalidModel);
        QVERIFY2(message.contains("past the end of its storage"), qPrintable(message));
    }

    void refusesForeignGlobals_data()
    {
        QTest::addColumn<QByteArray>("pickle");
        QTest::addColumn<QString>("name");
        PickleWriter system;
        system.proto(2).global("posix", "system").str("touch /tmp/tessera-pwned").op(0x85).op('R').stop();
        QTest::newRow("GLOBAL posix.system") << QByteArray(reinterpret_cast<const char*>(system.bytes.data()), int(system.bytes.size())) << "posix.system";
        PickleWriter eval;
        eval.proto(4).str("builtins").str("eval").op(0x93).str("1+1").op(0x85).op('R').stop();
        QTest::newRow("STACK_GLOBAL builtins.eval") << QByteArray(reinterpret_cast<const char*>(eval.bytes.data()), int(eval.bytes.size())) << "builtins.eval";
        PickleWriter os;
        os.proto(4).str("os").str("system").op(0x93).stop();
        QTest::newRow("STACK_GLOBAL os.system") << QByteArray(reinterpret_cast<const char*>(os.bytes.data()), int(os.bytes.size())) << "os.system";
        PickleWriter load;
        load.proto(2).global("torch.storage", "_load_from_bytes").op('C').op(1).op('x').op(0x85).op('R').stop();
        QTest::newRow("torch.storage._load_from_bytes") << QByteArray(reinterpret_cast<const char*>(load.bytes.data()), int(load.bytes.size())) << "torch.storage._load_from_bytes";
        PickleWriter reduce;
        reduce.proto(2).global("torch", "FloatStorage").op(')').op('R').stop();
        QTest::newRow("REDUCE on storage class") << QByteArray(reinterpret_cast<const char*>(reduce.bytes.data()), int(reduce.bytes.size())) << "torch.FloatStorage()";
        PickleWriter inst;
        inst.proto(0).mark().op('i');
        for (char c : std::string("subprocess\nPopen\n"))
            inst.op(uint8_t(c));
        inst.stop();
        QTest::newRow("INST subprocess.Popen") << QByteArray(reinterpret_cast<const char*>(inst.bytes.data()), int(inst.bytes.size())) << "subprocess.Popen";
    }
    void refusesForeignGlobals()
    {
        QFETCH(QByteArray, pickle);
        QFETCH(QString, name);
        QTemporaryDir dir;
        const std::vector<uint8_t> pkl(pickle.begin(), pickle.end());
        const std::string path = writeFile(dir, "evil.pth", zipArchive({{"archive/data.pkl", pkl}}));
        const auto [code, message] = loadError(path);
        QCOMPARE(code, ErrorCode::InvalidModel);
        QVERIFY2(message.contains("refused to load: the file references " + name), qPrintable(message));
        QVERIFY(!QFile::exists("/tmp/tessera-pwned"));
    }

    void boundsNestingAndCycles()
    {
        QTemporaryDir dir;
        // 100000 nested lists: refused by the depth bound, no stack overflow.
        PickleWriter deep;
        deep.proto(2);
        for (int i = 0; i < 100000; ++i)
            deep.op(']');
        for (int i = 0; i < 99999; ++i)
            deep.op('a');
        deep.stop();
        auto [code, message] = loadError(writeFile(dir, "deep.pth", zipArchive({{"archive/data.pkl", deep.bytes}})));
        QCOMPARE(code, ErrorCode::InvalidModel);
        QVERIFY2(message.contains("nested deeper"), qPrintable(message));
        // A list appended to itself.
        PickleWriter cycle;
        cycle.proto(2).op(']').op('2').op('a').stop();
        std::tie(code, message) = loadError(writeFile(dir, "cycle.pth", zipArchive({{"archive/data.pkl", cycle.bytes}})));
        QCOMPARE(code, ErrorCode::InvalidModel);
        // A string claiming 4 GiB.
        PickleWriter huge;
        huge.proto(2).op('X').le(0xffffffffu, 4).stop();
        std::tie(code, message) = loadError(writeFile(dir, "huge.pth", zipArchive({{"archive/data.pkl", huge.bytes}})));
        QCOMPARE(code, ErrorCode::InvalidModel);
        QVERIFY2(message.contains("runs past the end"), qPrintable(message));
    }

    void refusesUnknownFiles()
    {
        QTemporaryDir dir;
        const auto [code, message] = loadError(writeFile(dir, "text.pth", {'h', 'e', 'l', 'l', 'o'}));
        QCOMPARE(code, ErrorCode::InvalidModel);
        QCOMPARE(loadError(dir.filePath("missing.pth").toStdString()).first, ErrorCode::Io);
    }
};

QTEST_GUILESS_MAIN(TestModelFiles)
#include "tst_model_files.moc"

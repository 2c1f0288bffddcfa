// The weight store: safetensors and .pth indexes read from headers and
// pickles, per-tensor reads that keep the stored dtype or convert straight to
// the one asked for, refusals (truncated files, FIFOs, unknown dtypes),
// loadWeights with prefixes (one checkpoint feeding several modules, unused /
// missing / wrong-shape keys named), the fp16 construction guard and the
// shape-only store.

#include "common/error.h"
#include "common/torch_compat.h"
#include "models/detect.h"
#include "models/load_weights.h"
#include "models/loaders/safetensors.h"
#include "models/loaders/weight_store.h"
#include "torch_file_writer.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include <sys/stat.h>

using namespace tessera;
using namespace tessera::test;

namespace {

// 8-byte size, `header`, then `dataBytes` zero bytes.
std::vector<uint8_t> safetensorsBytes(const std::string& header, size_t dataBytes)
{
    std::vector<uint8_t> out;
    for (int i = 0; i < 8; ++i)
        out.push_back(uint8_t(uint64_t(header.size()) >> (8 * i)));
    out.insert(out.end(), header.begin(), header.end());
    out.resize(out.size() + dataBytes, 0);
    return out;
}

// The error of opening `path` and reading all its tensors; Internal when it loads.
std::pair<ErrorCode, QString> openError(const std::string& path)
{
    try {
        const std::unique_ptr<WeightStore> store = openWeightStore(path);
        for (const std::string& key : store->keys())
            store->read(key);
    } catch (const Error& e) {
        return {e.code(), QString::fromStdString(e.what())};
    }
    return {ErrorCode::Internal, QStringLiteral("loaded without an error")};
}

// A zip checkpoint {"half": fp16 [2, 3] from a HalfStorage of 6 elements}.
std::vector<uint8_t> halfZip(const std::vector<at::Half>& values)
{
    PickleWriter w;
    w.proto(2).global("collections", "OrderedDict").op(')').op('R').mark();
    w.str("half").tensor("0", 6, 0, {2, 3}, {3, 1}, false, "HalfStorage");
    w.op('u').stop();
    std::vector<uint8_t> data(values.size() * 2);
    std::memcpy(data.data(), values.data(), data.size());
    return zipArchive({{"archive/data.pkl", w.bytes}, {"archive/byteorder", {'l', 'i', 't', 't', 'l', 'e'}},
                       {"archive/data/0", data}});
}

// Two small modules, as a checkpoint holds a UNet and a VAE side by side.
struct Encoder : torch::nn::Module {
    Encoder() { proj = register_module("proj", torch::nn::Linear(4, 3)); }
    torch::nn::Linear proj{nullptr};
};
struct Decoder : torch::nn::Module {
    Decoder() { conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 2, 1))); }
    torch::nn::Conv2d conv{nullptr};
};

// {first.proj.*, second.conv.*} in their module shapes, fp16.
StateDict twoModuleWeights()
{
    StateDict sd;
    sd["first.proj.weight"] = at::randn({3, 4}).to(at::kHalf);
    sd["first.proj.bias"] = at::randn({3}).to(at::kHalf);
    sd["second.conv.weight"] = at::randn({2, 3, 1, 1}).to(at::kHalf);
    sd["second.conv.bias"] = at::randn({2}).to(at::kHalf);
    return sd;
}

// The message of a strict loadWeights that must fail with UnsupportedModel.
QString strictError(torch::nn::Module& module, const WeightStore& store, const std::string& prefix)
{
    try {
        loadWeights(module, store, prefix);
    } catch (const Error& e) {
        if (e.code() != ErrorCode::UnsupportedModel)
            return QStringLiteral("wrong code: ") + e.what();
        return QString::fromStdString(e.what());
    }
    return QStringLiteral("loaded without an error");
}

} // namespace

class TestWeightStore : public QObject {
    Q_OBJECT
private slots:
    void safetensorsTakesEmptyTensors()
    {
        // Zero-element tensors sit at the next tensor's offset (as safetensors'
        // own writer places them): they overlap nothing and read back empty.
        QTemporaryDir dir;
        StateDict sd;
        for (const char* name : {"a.empty", "b.full", "c.empty", "d.empty", "e.full"})
            sd[name] = QByteArray(name).endsWith("empty") ? at::zeros({0, 3}) : at::randn({2, 3});
        const std::string path = dir.filePath("empty.safetensors").toStdString();
        saveSafetensors(path, sd);
        const std::unique_ptr<WeightStore> store = openWeightStore(path);
        QCOMPARE(store->size(), size_t(5));
        QCOMPARE(store->read("c.empty").sizes().vec(), (std::vector<int64_t>{0, 3}));
        QVERIFY(at::equal(store->read("e.full"), sd.at("e.full")));
    }

    void safetensorsKeepsStoredDtype()
    {
        QTemporaryDir dir;
        StateDict sd;
        sd["b.half"] = at::randn({4, 3}).to(at::kHalf);
        sd["a.bf16"] = at::randn({5}).to(at::kBFloat16);
        sd["c.float"] = at::randn({2, 2, 3});
        sd["d.double"] = at::randn({3}).to(at::kDouble);
        sd["module.e"] = at::ones({1});
        const std::string path = dir.filePath("w.safetensors").toStdString();
        saveSafetensors(path, sd, {{"format", "pt"}});
        const std::unique_ptr<WeightStore> store = openWeightStore(path);
        QCOMPARE(store->keys(), (std::vector<std::string>{"a.bf16", "b.half", "c.float", "d.double", "e"}));
        QCOMPARE(QString::fromStdString(store->path()), QString::fromStdString(path));
        QCOMPARE(QString::fromStdString(store->metadata().at("format")), QString("pt"));
        QCOMPARE(store->parameterCount(), int64_t(12 + 5 + 12 + 3 + 1));
        QVERIFY(store->contains("e") && !store->contains("module.e"));
        for (const std::string& key : {"a.bf16", "b.half", "c.float", "d.double"}) {
            const at::Tensor& original = sd.at(key);
            const TensorInfo& info = store->info(key);
            QCOMPARE(info.dtype, original.scalar_type());
            QCOMPARE(info.shape, original.sizes().vec());
            const at::Tensor back = store->read(key);
            QCOMPARE(back.scalar_type(), original.scalar_type()); // fp16 stays fp16, bf16 stays bf16
            QVERIFY(back.is_cpu() && back.is_contiguous());
            QVERIFY(at::equal(back, original));
        }
    }

    void readConverts()
    {
        QTemporaryDir dir;
        StateDict sd;
        sd["h"] = at::randn({8, 5}).to(at::kHalf);
        sd["f"] = at::randn({7});
        const std::string path = dir.filePath("w.safetensors").toStdString();
        saveSafetensors(path, sd);
        const std::unique_ptr<WeightStore> store = openWeightStore(path);
        const c10::Device cpu(c10::DeviceType::CPU);
        const at::Tensor widened = store->read("h", at::kFloat, cpu);
        QCOMPARE(widened.scalar_type(), at::kFloat);
        QVERIFY(at::equal(widened, sd["h"].to(at::kFloat)));
        QVERIFY(at::equal(store->read("f", at::kHalf, cpu), sd["f"].to(at::kHalf)));
        QVERIFY(at::equal(store->read("f", at::kBFloat16, cpu), sd["f"].to(at::kBFloat16)));
        // readInto fills an existing tensor at its own dtype; a wrong shape is named.
        at::Tensor target = at::zeros({8, 5}, at::kBFloat16);
        store->readInto("h", target);
        QVERIFY(at::equal(target, sd["h"].to(at::kBFloat16)));
        at::Tensor wrong = at::zeros({5, 8});
        try {
            store->readInto("h", wrong);
            QFAIL("read into a tensor of another shape");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::InvalidArgument);
            QVERIFY2(QString(e.what()).contains("'h'"), e.what());
        }
        try {
            store->info("absent");
            QFAIL("described a key that is not there");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::InvalidArgument);
        }
    }

    void tensorInfo()
    {
        const TensorInfo info{at::kHalf, {4, 3, 2}};
        QCOMPARE(info.dim(), int64_t(3));
        QCOMPARE(info.size(0), int64_t(4));
        QCOMPARE(info.size(-1), int64_t(2));
        QCOMPARE(info.size(-3), int64_t(4));
        QCOMPARE(info.numel(), int64_t(24));
        try {
            info.size(3);
            QFAIL("dimension 3 of a 3-d tensor");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::Internal);
        }
    }

    void pthZipAndLegacy()
    {
        QTemporaryDir dir;
        std::map<std::string, StoredTensor> tensors;
        tensors["module.conv.weight"] = contiguousTensor(at::arange(24, at::kFloat).reshape({2, 3, 2, 2}));
        StoredTensor view; // a transposed view at a storage offset
        view.storage = {9, 9, 0, 1, 2, 3, 4, 5};
        view.offset = 2;
        view.sizes = {3, 2};
        view.strides = {1, 3};
        tensors["view"] = view;
        const at::Tensor expectedView = at::tensor({0.f, 3.f, 1.f, 4.f, 2.f, 5.f}).reshape({3, 2});
        for (bool legacy : {false, true}) {
            const std::string path = writeFile(dir, legacy ? "legacy.pth" : "zip.pth",
                                               legacy ? torchLegacy(tensors, "params_ema") : torchZip(tensors, "state_dict"));
            const std::unique_ptr<WeightStore> store = openWeightStore(path);
            QCOMPARE(store->keys(), (std::vector<std::string>{"conv.weight", "view"}));
            QCOMPARE(store->info("view").shape, (std::vector<int64_t>{3, 2}));
            QCOMPARE(store->info("view").dtype, at::kFloat);
            QVERIFY(at::equal(store->read("view"), expectedView));
            QVERIFY(at::equal(store->read("view", at::kHalf, c10::Device(c10::DeviceType::CPU)), expectedView.to(at::kHalf)));
            QVERIFY(at::equal(store->read("conv.weight"), at::arange(24, at::kFloat).reshape({2, 3, 2, 2})));
            QVERIFY(store->metadata().empty());
        }
    }

    void pthKeepsHalfStorage()
    {
        QTemporaryDir dir;
        const at::Tensor values = at::randn({2, 3}).to(at::kHalf);
        std::vector<at::Half> raw(values.data_ptr<at::Half>(), values.data_ptr<at::Half>() + 6);
        const std::unique_ptr<WeightStore> store = openWeightStore(writeFile(dir, "h.pth", halfZip(raw)));
        QCOMPARE(store->info("half").dtype, at::kHalf);
        const at::Tensor back = store->read("half");
        QCOMPARE(back.scalar_type(), at::kHalf);
        QVERIFY(at::equal(back, values));
    }

    void truncatedDataRefused()
    {
        QTemporaryDir dir;
        // The header claims 64 data bytes; the file holds 32 of them.
        const std::string path = writeFile(
            dir, "short.safetensors",
            safetensorsBytes(R"({"w":{"dtype":"F16","shape":[32],"data_offsets":[0,64]}})", 32));
        const auto [code, message] = openError(path);
        QCOMPARE(code, ErrorCode::InvalidModel);
        QVERIFY2(message.contains("shorter than its header claims"), qPrintable(message));
        QVERIFY2(message.contains("'w'") && message.contains(QString::fromStdString(path)), qPrintable(message));
    }

    void eightBitFloats()
    {
        QTemporaryDir dir;
        const std::string path = writeFile(
            dir, "f8.safetensors", safetensorsBytes(R"({"w":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}})", 4));
#if TESSERA_HAVE_FLOAT8
        const std::unique_ptr<WeightStore> store = openWeightStore(path);
        QCOMPARE(store->info("w").dtype, at::ScalarType::Float8_e4m3fn);
        QVERIFY(at::equal(store->read("w", at::kFloat, c10::Device(c10::DeviceType::CPU)), at::zeros({4})));
#else
        const auto [code, message] = openError(path);
        QCOMPARE(code, ErrorCode::InvalidModel);
        QVERIFY2(message.contains("F8_E4M3") && message.contains("LibTorch 2.1"), qPrintable(message));
#endif
    }

    void nonRegularFilesRefused()
    {
        QTemporaryDir dir;
        const std::string fifo = dir.filePath("pipe.safetensors").toStdString();
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        auto [code, message] = openError(fifo); // must not block waiting for a writer
        QCOMPARE(code, ErrorCode::Io);
        QVERIFY2(message.contains(QString::fromStdString(fifo)) && message.contains("FIFO"), qPrintable(message));
        std::tie(code, message) = openError(dir.path().toStdString());
        QCOMPARE(code, ErrorCode::Io);
        QVERIFY2(message.contains("folder"), qPrintable(message));
        std::tie(code, message) = openError(dir.filePath("absent.pth").toStdString());
        QCOMPARE(code, ErrorCode::Io);
        std::tie(code, message) = openError(writeFile(dir, "empty.pth", {}));
        QCOMPARE(code, ErrorCode::InvalidModel);
    }

    void oneCheckpointFeedsTwoModules()
    {
        QTemporaryDir dir;
        const StateDict sd = twoModuleWeights();
        const std::string path = dir.filePath("both.safetensors").toStdString();
        saveSafetensors(path, sd);
        const std::unique_ptr<WeightStore> store = openWeightStore(path);
        Encoder encoder;
        Decoder decoder;
        decoder.to(at::kHalf); // kept in the stored dtype, as the GPU path does
        const WeightReport first = loadWeights(encoder, *store, "first.", LoadMode::Report);
        const WeightReport second = loadWeights(decoder, *store, "second.", LoadMode::Report);
        QVERIFY2(first.ok(), first.message().c_str());
        QVERIFY2(second.ok(), second.message().c_str());
        QCOMPARE(encoder.proj->weight.scalar_type(), at::kFloat);
        QVERIFY(at::equal(encoder.proj->weight, sd.at("first.proj.weight").to(at::kFloat)));
        QVERIFY(at::equal(encoder.proj->bias, sd.at("first.proj.bias").to(at::kFloat)));
        QCOMPARE(decoder.conv->weight.scalar_type(), at::kHalf);
        QVERIFY(at::equal(decoder.conv->weight, sd.at("second.conv.weight")));
        // Strict over the whole file, the other module's keys are unused.
        Encoder whole;
        const QString message = strictError(whole, *store, "");
        QVERIFY2(message.contains("unused first.proj.bias, first.proj.weight, second.conv.bias, second.conv.weight"), qPrintable(message));
        QVERIFY2(message.contains("missing proj.weight, proj.bias"), qPrintable(message));
    }

    void reportNamesUnusedMissingAndWrongShapes()
    {
        StateDict sd = twoModuleWeights();
        sd.erase("first.proj.bias");
        sd["first.proj.weight"] = at::zeros({3, 5});
        for (int i = 0; i < 6; ++i)
            sd["first.extra." + std::to_string(i)] = at::zeros({1});
        const StateDictStore store(sd);
        Encoder encoder;
        const WeightReport report = loadWeights(encoder, store, "first.", LoadMode::Report);
        QCOMPARE(report.missing, std::vector<std::string>{"first.proj.bias"});
        QCOMPARE(int(report.unused.size()), 6);
        QCOMPARE(int(report.mismatched.size()), 1);
        const QString message = strictError(encoder, store, "first.");
        QVERIFY2(message.contains("missing first.proj.bias"), qPrintable(message));
        QVERIFY2(message.contains("unused first.extra.0, first.extra.1, first.extra.2, first.extra.3, ... (6 in all)"),
                 qPrintable(message));
        QVERIFY2(message.contains("wrong shape first.proj.weight [3, 5] (expected [3, 4])"), qPrintable(message));
        QVERIFY2(message.startsWith("in-memory weights: weights do not fit"), qPrintable(message));
    }

    void moduleBuiltInHalf()
    {
        QTemporaryDir dir;
        const StateDict sd = twoModuleWeights();
        const std::string path = dir.filePath("both.safetensors").toStdString();
        saveSafetensors(path, sd);
        std::unique_ptr<Encoder> encoder;
        {
            DefaultDtypeGuard half(at::kHalf);
            encoder = std::make_unique<Encoder>();
        }
        QCOMPARE(encoder->proj->weight.scalar_type(), at::kHalf); // allocated in fp16 from the start
        QCOMPARE(at::empty({1}).scalar_type(), at::kFloat);       // the default is back
        loadWeights(*encoder, *openWeightStore(path), "first.", LoadMode::Report);
        QVERIFY(at::equal(encoder->proj->weight, sd.at("first.proj.weight")));
    }

    void shapeOnlyStore()
    {
        // SRVGGNetCompact x2, num_conv 1, 8 features: layout without weights.
        std::vector<TensorDecl> layout;
        for (int i = 0; i < 3; ++i) {
            const std::string conv = "body." + std::to_string(2 * i);
            const int64_t out = i == 2 ? 12 : 8;
            layout.push_back({conv + ".weight", at::kHalf, {out, i == 0 ? 3 : 8, 3, 3}});
            layout.push_back({conv + ".bias", at::kHalf, {out}});
            if (i < 2)
                layout.push_back({"body." + std::to_string(2 * i + 1) + ".weight", at::kHalf, {8}});
        }
        const ShapeOnlyStore store(layout, "layout of 2x-compact");
        QCOMPARE(int(store.size()), 8);
        QCOMPARE(store.info("body.4.weight").shape, (std::vector<int64_t>{12, 8, 3, 3}));
        const ModelInfo info = detectArchitecture(store);
        QCOMPARE(QString::fromStdString(info.architecture), QString("SRVGGNetCompact"));
        QCOMPARE(info.scale, 2);
        QCOMPARE(info.featureChannels, 8);
        try {
            store.read("body.0.weight");
            QFAIL("read data from a shape-only store");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::InvalidArgument);
            QVERIFY2(QString(e.what()).contains("layout of 2x-compact") && QString(e.what()).contains("body.0.weight"),
                     e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestWeightStore)
#include "tst_weight_store.moc"

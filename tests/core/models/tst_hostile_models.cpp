// The hostile-input probe's cases (issue 10) against every model loader, each
// refused at once with one line naming the file and the cause: a FIFO,
// /dev/zero, /dev/urandom or a folder as a model file; sizes a header claims
// beyond the file, and sparse 8 GiB files that must not be read; NaN and Inf
// weights; tensor sizes whose element count overflows; a safetensors header
// that is JSON but not an object; ncnn graphs over the pixel budget. The
// scale of an ncnn graph comes from its layers.

#include "common/error.h"
#include "models/load_weights.h"
#include "models/loaders/safetensors.h"
#include "models/loaders/sharded_weights.h"
#include "models/loaders/weight_store.h"
#include "models/ncnn/ncnn_graph.h"
#include "models/ncnn/ncnn_model.h"
#include "models/ncnn/ncnn_param.h"
#include "models/ncnn/ncnn_shape_check.h"
#include "models/upscale_model.h"
#include "torch_file_writer.h"

#include <ATen/ATen.h>
#include <torch/nn/modules/linear.h>

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <functional>
#include <limits>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace tessera;
using namespace tessera::test;

namespace {

struct Refusal {
    ErrorCode code = ErrorCode::Internal;
    QString message = "nothing thrown";
};

Refusal refusalOf(const std::function<void()>& load)
{
    try {
        load();
    } catch (const Error& error) {
        return {error.code(), QString::fromStdString(error.what())};
    }
    return {};
}

// Opens the file and reads every tensor, as a model load does.
void openAndReadAll(const std::string& path)
{
    const std::unique_ptr<WeightStore> store = openWeightStore(path);
    for (const std::string& key : store->keys())
        store->read(key);
}

// Peak resident set of this process so far, in bytes.
int64_t peakResident()
{
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return int64_t(usage.ru_maxrss) * 1024;
}

std::string writeText(const QTemporaryDir& dir, const std::string& name, const std::string& text)
{
    return writeFile(dir, name, std::vector<uint8_t>(text.begin(), text.end()));
}

std::vector<uint8_t> floatsOf(const at::Tensor& t)
{
    const at::Tensor f = t.contiguous().to(at::kFloat);
    const auto* p = reinterpret_cast<const uint8_t*>(f.data_ptr<float>());
    return std::vector<uint8_t>(p, p + f.numel() * 4);
}

// "7767517\n<layers> <blobs>\n" + lines.
std::string paramText(const std::vector<std::string>& lines)
{
    std::string text = "7767517\n" + std::to_string(lines.size()) + " " + std::to_string(lines.size()) + "\n";
    for (const std::string& line : lines)
        text += line + "\n";
    return text;
}

// An x2 graph: 3x3 convolution 3 -> 12 channels, PixelShuffle 2.
const std::vector<std::string> kX2Layers = {
    "Input in 0 1 data",
    "Convolution conv 1 1 data c 0=12 1=3 4=1 5=1 6=324",
    "PixelShuffle shuffle 1 1 c out 0=2",
};

// The .bin of kX2Layers: tagged fp32 weight [12, 3, 3, 3], raw bias [12].
std::vector<uint8_t> x2Bin(const at::Tensor& weight)
{
    std::vector<uint8_t> bin(4, 0); // tag 0: raw fp32
    const std::vector<uint8_t> w = floatsOf(weight), b = floatsOf(at::zeros({12}));
    bin.insert(bin.end(), w.begin(), w.end());
    bin.insert(bin.end(), b.begin(), b.end());
    return bin;
}

// `name`.param and `name`.bin in `dir`; returns the .param path.
std::string writeNcnn(const QTemporaryDir& dir, const std::string& name, const std::vector<std::string>& layers,
                      const std::vector<uint8_t>& bin)
{
    writeFile(dir, name + ".bin", bin);
    return writeText(dir, name + ".param", paramText(layers));
}

// An SRVGGNetCompact x2 (num_conv 2, 8 features) with small random weights.
StateDict compactWeights()
{
    StateDict sd;
    for (int i = 0; i < 4; ++i) {
        const std::string name = "body." + std::to_string(2 * i);
        sd[name + ".weight"] = at::randn({i == 3 ? 12 : 8, i == 0 ? 3 : 8, 3, 3}) * 0.1;
        sd[name + ".bias"] = at::zeros({i == 3 ? 12 : 8});
        if (i < 3)
            sd["body." + std::to_string(2 * i + 1) + ".weight"] = at::full({8}, 0.25);
    }
    return sd;
}

std::map<std::string, StoredTensor> storedTensors(const StateDict& sd)
{
    std::map<std::string, StoredTensor> tensors;
    for (const auto& [key, tensor] : sd)
        tensors[key] = contiguousTensor(tensor);
    return tensors;
}

// Writes `sd` as `format` ("safetensors", "safetensors-f16", "pth-zip", "pth-legacy").
std::string writeWeights(const QTemporaryDir& dir, const std::string& format, const StateDict& sd)
{
    if (format == "safetensors") {
        const std::string path = dir.filePath("w.safetensors").toStdString();
        saveSafetensors(path, sd);
        return path;
    }
    if (format == "safetensors-f16") {
        StateDict half;
        for (const auto& [key, tensor] : sd)
            half[key] = tensor.to(at::kHalf);
        const std::string path = dir.filePath("w16.safetensors").toStdString();
        saveSafetensors(path, half);
        return path;
    }
    const bool legacy = format == "pth-legacy";
    return writeFile(dir, legacy ? "legacy.pth" : "zip.pth",
                     legacy ? torchLegacy(storedTensors(sd), "") : torchZip(storedTensors(sd), ""));
}

// The special file `kind` ("fifo", "zero", "urandom", "folder") at `path`; the
// devices through a symbolic link, so that they carry a model's extension.
void makeSpecial(const std::string& kind, const std::string& path)
{
    if (kind == "fifo")
        QCOMPARE(::mkfifo(path.c_str(), 0600), 0);
    else if (kind == "folder")
        QVERIFY(std::filesystem::create_directory(path));
    else
        std::filesystem::create_symlink("/dev/" + kind, path);
}

} // namespace

class TestHostileModels : public QObject {
    Q_OBJECT
private slots:
    void nonRegularModelFiles_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("described");
        QTest::newRow("FIFO") << "fifo" << "a FIFO";
        QTest::newRow("/dev/zero") << "zero" << "a character device";
        QTest::newRow("/dev/urandom") << "urandom" << "a character device";
        QTest::newRow("folder") << "folder" << "a folder";
    }
    void nonRegularModelFiles()
    {
        QFETCH(QString, kind);
        QFETCH(QString, described);
        QTemporaryDir dir;
        const std::string special = kind.toStdString();
        const auto at = [&](const std::string& name) { return dir.filePath(QString::fromStdString(name)).toStdString(); };
        // One refusal per opener: the weight store (.pth, .ckpt, .safetensors),
        // the upscale model loader, the ncnn .param and .bin, a shard index.
        struct Case {
            std::string path;    ///< the special file
            std::function<void()> load;
        };
        const std::string validParam = writeNcnn(dir, "withbin", kX2Layers, {});
        std::filesystem::remove(at("withbin.bin"));
        const std::vector<Case> cases = {
            {at("m.pth"), [&] { openWeightStore(at("m.pth")); }},
            {at("m.ckpt"), [&] { openWeightStore(at("m.ckpt")); }},
            {at("m.safetensors"), [&] { openWeightStore(at("m.safetensors")); }},
            {at("u.pth"), [&] { loadUpscaleModel(at("u.pth")); }},
            {at("n.param"), [&] { loadUpscaleModel(at("n.param")); }},
            {at("withbin.bin"), [&] { loadUpscaleModel(validParam); }},
            {at("m.safetensors.index.json"), [&] { openShardedWeights(at("m.safetensors.index.json")); }},
        };
        QElapsedTimer timer;
        timer.start();
        for (const Case& c : cases) {
            makeSpecial(special, c.path);
            const Refusal refusal = refusalOf(c.load);
            const QString expected = QString::fromStdString(c.path) + ": not a regular file (" + described + ")";
            QVERIFY2(refusal.code == ErrorCode::Io && refusal.message == expected,
                     qPrintable(refusal.message + " (expected " + expected + ")"));
        }
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QString("%1 ms").arg(timer.elapsed())));
    }

    void sparseFilesRefusedWithoutReading()
    {
        QTemporaryDir dir;
        // 8 GiB of nothing named .pth: the first bytes say it is no model.
        const std::string sparse = dir.filePath("sparse.pth").toStdString();
        std::ofstream(sparse).close();
        std::filesystem::resize_file(sparse, uint64_t(8) << 30);
        // The x2 graph's .bin with 8 GiB of hole after the bytes the layers read.
        const std::string param = writeNcnn(dir, "long", kX2Layers, x2Bin(at::randn({12, 3, 3, 3})));
        std::filesystem::resize_file(dir.filePath("long.bin").toStdString(), uint64_t(8) << 30);

        const int64_t before = peakResident();
        QElapsedTimer timer;
        timer.start();
        Refusal refusal = refusalOf([&] { loadUpscaleModel(sparse); });
        QCOMPARE(refusal.code, ErrorCode::InvalidModel);
        QVERIFY2(refusal.message.startsWith(QString::fromStdString(sparse) + ": ")
                     && refusal.message.contains("unrecognised first bytes"),
                 qPrintable(refusal.message));
        refusal = refusalOf([&] { loadUpscaleModel(param); });
        QCOMPARE(refusal.code, ErrorCode::InvalidModel);
        QVERIFY2(refusal.message.contains("long.param: the .bin has 8589933244 bytes more than the layers read"),
                 qPrintable(refusal.message));
        const qint64 elapsed = timer.elapsed();
        const int64_t grown = peakResident() - before;
        qInfo("two sparse 8 GiB files refused in %lld ms, peak resident +%lld MiB", elapsed, (long long)(grown >> 20));
        QVERIFY2(elapsed < 1000, qPrintable(QString("%1 ms").arg(elapsed)));
        QVERIFY2(grown < (64 << 20), qPrintable(QString("peak resident grew by %1 MiB").arg(grown >> 20)));
    }

    void headerLengthsCheckedAgainstTheFile()
    {
        QTemporaryDir dir;
        // safetensors: a header size of 8 GiB in a file of 40 bytes.
        std::vector<uint8_t> bytes(40, ' ');
        for (int i = 0; i < 8; ++i)
            bytes[size_t(i)] = uint8_t((uint64_t(8) << 30) >> (8 * i));
        bytes[8] = '{';
        const std::string header = writeFile(dir, "header.safetensors", bytes);
        Refusal refusal = refusalOf([&] { openWeightStore(header); });
        QCOMPARE(refusal.code, ErrorCode::InvalidModel);
        QVERIFY2(refusal.message == QString::fromStdString(header)
                                        + ": invalid safetensors file: header size 8589934592 runs past the end of "
                                          "the file (40 bytes)",
                 qPrintable(refusal.message));
        // zip: a central directory said to start past the end of the file.
        std::vector<uint8_t> zip = torchZip(storedTensors({{"w", at::ones({2})}}), "");
        const size_t eocd = zip.size() - 22;
        zip[eocd + 16] = 0xff;
        zip[eocd + 19] = 0x7f;
        const std::string archive = writeFile(dir, "directory.pth", zip);
        refusal = refusalOf([&] { openWeightStore(archive); });
        QCOMPARE(refusal.code, ErrorCode::InvalidModel);
        QVERIFY2(refusal.message == QString::fromStdString(archive)
                                        + ": invalid checkpoint: zip central directory lies outside the file",
                 qPrintable(refusal.message));
    }

    void nonFiniteWeightsRefused_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<double>("poison");
        QTest::addColumn<QString>("named");
        const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
        for (const char* format : {"safetensors", "safetensors-f16", "pth-zip", "pth-legacy"}) {
            QTest::addRow("%s NaN", format) << format << nan << "NaN";
            QTest::addRow("%s Inf", format) << format << -inf << "Inf";
        }
    }
    void nonFiniteWeightsRefused()
    {
        QFETCH(QString, format);
        QFETCH(double, poison);
        QFETCH(QString, named);
        QTemporaryDir dir;
        StateDict sd = compactWeights();
        sd["body.2.weight"][1][2][0][0] = poison;
        const std::string path = writeWeights(dir, format.toStdString(), sd);
        const QString expected = QString::fromStdString(path) + ": model weights contain " + named + ": layer body.2.weight";
        for (const std::function<void()>& load : std::vector<std::function<void()>>{
                 [&] { loadUpscaleModel(path); }, [&] { openAndReadAll(path); }}) {
            const Refusal refusal = refusalOf(load);
            QCOMPARE(refusal.code, ErrorCode::InvalidModel);
            QCOMPARE(refusal.message, expected);
        }
    }

    void nonFiniteWeightsRefusedThroughLoadWeights()
    {
        // Diffusion checkpoints fill their modules through loadWeights: the same check.
        QTemporaryDir dir;
        const std::string path = dir.filePath("unet.safetensors").toStdString();
        saveSafetensors(path, {{"model.diffusion_model.out.weight", at::full({2, 2}, std::nan(""))},
                               {"model.diffusion_model.out.bias", at::zeros({2})}});
        torch::nn::Linear out(2, 2);
        const std::unique_ptr<WeightStore> store = openWeightStore(path);
        const Refusal refusal = refusalOf([&] { loadWeights(*out, *store, "model.diffusion_model.out.", LoadMode::Strict, "a UNet"); });
        QCOMPARE(refusal.code, ErrorCode::InvalidModel);
        QCOMPARE(refusal.message, QString::fromStdString(path) + ": model weights contain NaN: layer model.diffusion_model.out.weight");
    }

    void nonFiniteNcnnWeightsRefused()
    {
        QTemporaryDir dir;
        at::Tensor weight = at::randn({12, 3, 3, 3});
        weight[3][1][1][1] = std::numeric_limits<float>::quiet_NaN();
        const std::string param = writeNcnn(dir, "nan", kX2Layers, x2Bin(weight));
        const Refusal refusal = refusalOf([&] { loadUpscaleModel(param); });
        QCOMPARE(refusal.code, ErrorCode::InvalidModel);
        QCOMPARE(refusal.message, dir.filePath("nan.bin") + ": model weights contain NaN: layer conv weight");
        // The same graph with finite weights loads as x2.
        const std::string good = writeNcnn(dir, "good", kX2Layers, x2Bin(at::randn({12, 3, 3, 3})));
        QCOMPARE(loadUpscaleModel(good)->info().scale, 2);
    }

    void overflowingTensorSizesNamed()
    {
        // [2^31, 2^31] with strides 0 over a storage of one value: 2^62 elements.
        QTemporaryDir dir;
        StoredTensor broadcast;
        broadcast.storage = {1.f};
        broadcast.sizes = {int64_t(1) << 31, int64_t(1) << 31};
        broadcast.strides = {0, 0};
        for (bool legacy : {false, true}) {
            const std::string path = writeFile(dir, legacy ? "legacy.pth" : "zip.pth",
                                               legacy ? torchLegacy({{"body.0.weight", broadcast}}, "")
                                                      : torchZip({{"body.0.weight", broadcast}}, ""));
            for (const std::function<void()>& load : std::vector<std::function<void()>>{
                     [&] { loadUpscaleModel(path); }, [&] { openAndReadAll(path); }}) {
                const Refusal refusal = refusalOf(load);
                QCOMPARE(refusal.code, ErrorCode::InvalidModel);
                QCOMPARE(refusal.message, QString::fromStdString(path)
                                              + ": tensor 'body.0.weight' has sizes [2147483648, 2147483648], more "
                                                "elements than its storage's 1");
            }
        }
    }

    void safetensorsHeaderThatIsNotAnObject()
    {
        QTemporaryDir dir;
        for (const std::string json : {"[1, 2, 3]", "\"weights\"", "42      "}) {
            std::vector<uint8_t> bytes(8);
            for (int i = 0; i < 8; ++i)
                bytes[size_t(i)] = uint8_t(uint64_t(json.size()) >> (8 * i));
            bytes.insert(bytes.end(), json.begin(), json.end());
            const std::string path = writeFile(dir, "array.safetensors", bytes);
            const Refusal refusal = refusalOf([&] { openWeightStore(path); });
            QCOMPARE(refusal.code, ErrorCode::InvalidModel);
            QCOMPARE(refusal.message, QString::fromStdString(path) + ": invalid safetensors file: header is not a JSON object");
        }
    }

    void ncnnGraphsOverThePixelBudget_data()
    {
        QTest::addColumn<QString>("layer");
        QTest::addColumn<QString>("expected");
        QTest::newRow("Input 100000^3") << "Input in 0 1 data 0=100000 1=100000 2=100000"
                                        << ":3: Input layer 'in': declares 100000 input channels; an image has at most 4";
        QTest::newRow("Input 100000^2 x 3")
            << "Input in 0 1 data 0=100000 1=100000 2=3"
            << ":3: Input layer 'in': declares a 100000 x 100000 x 3 input, 3e+10 values, more than the budget of 1.68e+07";
        QTest::newRow("Interp x100") << "Interp up 1 1 data out 0=1 1=100.0 2=100.0"
                                     << ":4: Interp layer 'up': enlarges the input 100 times by its output, more than the 16 an upscaler can need";
        QTest::newRow("Padding 100000")
            << "Padding pad 1 1 data out 0=100000 1=100000 2=100000 3=100000"
            << ":4: Padding layer 'pad': its output would hold 1.2e+11 values for a 64 x 64 input, more than the pixel "
               "budget of 1.68e+07 (4096 per input pixel)";
        QTest::newRow("Convolution 100000 channels")
            << "Convolution wide 1 1 data out 0=100000 1=1 6=300000"
            << ":4: Convolution layer 'wide': its output would hold 4.1e+08 values for a 64 x 64 input, more than the "
               "pixel budget of 1.68e+07 (4096 per input pixel)";
    }
    void ncnnGraphsOverThePixelBudget()
    {
        QFETCH(QString, layer);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        std::vector<std::string> layers = {layer.toStdString()};
        if (!layer.startsWith("Input"))
            layers.insert(layers.begin(), "Input in 0 1 data");
        // No .bin at all: the shapes are refused before any weight is read.
        const std::string param = writeText(dir, "hostile.param", paramText(layers));
        const int64_t before = peakResident();
        QElapsedTimer timer;
        timer.start();
        for (const std::function<void()>& load : std::vector<std::function<void()>>{
                 [&] { loadUpscaleModel(param); }, [&] { ncnn::loadGraph(param); }}) {
            const Refusal refusal = refusalOf(load);
            QCOMPARE(refusal.code, ErrorCode::InvalidModel);
            QCOMPARE(refusal.message, QString::fromStdString(param) + expected);
        }
        QVERIFY(timer.elapsed() < 1000);
        QVERIFY(peakResident() - before < (16 << 20));
    }

    void ncnnLayerErrorsNameTheFile()
    {
        QTemporaryDir dir;
        const std::string param = writeNcnn(dir, "odd", {"Input in 0 1 data", "Frobnicate f 1 1 data out"}, {});
        Refusal refusal = refusalOf([&] { loadUpscaleModel(param); });
        QCOMPARE(refusal.code, ErrorCode::UnsupportedModel);
        QCOMPARE(refusal.message, QString::fromStdString(param) + ":4: Frobnicate layer 'f': the ncnn layer type 'Frobnicate' is not supported");
        const std::string pooling = writeNcnn(dir, "pool", {"Input in 0 1 data", "Pooling p 1 1 data out 0=0 1=0"}, {});
        refusal = refusalOf([&] { loadUpscaleModel(pooling); });
        QCOMPARE(refusal.code, ErrorCode::InvalidModel);
        QCOMPARE(refusal.message, QString::fromStdString(pooling) + ":4: Pooling layer 'p': kernel and stride must be positive");
        // A graph that refuses every probe size names the layer that refused.
        const std::string crop = writeNcnn(dir, "crop", {"Input in 0 1 data", "Crop c 1 1 data out 0=1000"}, {});
        refusal = refusalOf([&] { loadUpscaleModel(crop); });
        QCOMPARE(refusal.code, ErrorCode::UnsupportedModel);
        QVERIFY2(refusal.message.startsWith(QString::fromStdString(crop)
                                            + ": the graph rejects every probe size from 16 to 160 px (at 160 px: "
                                              "Crop layer 'c': crop [1000, "),
                 qPrintable(refusal.message));
    }

    void ncnnScaleFromTheLayers_data()
    {
        QTest::addColumn<QString>("layers");
        QTest::addColumn<int>("scale");
        QTest::newRow("PixelShuffle 2") << "Convolution c 1 1 data x 0=12 1=3 4=1 6=324|PixelShuffle s 1 1 x out 0=2" << 2;
        QTest::newRow("Interp 2 x 2") << "Interp a 1 1 data x 0=1 1=2.0 2=2.0|Interp b 1 1 x out 0=2 1=2.0 2=2.0" << 4;
        QTest::newRow("down 2, Deconvolution 3 x 2")
            << "Convolution d 1 1 data x 0=8 1=3 3=2 6=216|Deconvolution u 1 1 x y 0=8 1=4 3=3 6=1024"
               "|Deconvolution v 1 1 y out 0=3 1=4 3=2 6=384"
            << 3;
        QTest::newRow("skip connection") << "Split sp 1 2 data a b|Interp up 1 1 a x 0=1 1=4.0 2=4.0"
                                            "|Interp upb 1 1 b y 0=2 1=4.0 2=4.0|BinaryOp add 2 1 x y out 0=0"
                                         << 4;
        QTest::newRow("fixed size") << "Interp up 1 1 data out 0=2 3=512 4=512" << 0;
        QTest::newRow("fractional") << "Interp up 1 1 data out 0=2 1=1.5 2=1.5" << 0;
    }
    void ncnnScaleFromTheLayers()
    {
        QFETCH(QString, layers);
        QFETCH(int, scale);
        std::vector<std::string> lines = {"Input in 0 1 data"};
        for (const QString& line : layers.split('|'))
            lines.push_back(line.toStdString());
        QCOMPARE(ncnn::checkBlobShapes(ncnn::parseParam(paramText(lines), "graph.param")).scale, scale);
    }
};

QTEST_GUILESS_MAIN(TestHostileModels)
#include "tst_hostile_models.moc"

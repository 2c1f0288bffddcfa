// The shipped ncnn upscalers (Real-ESRGAN, Real-CUGAN, waifu2x) load and run
// through our LibTorch executor, and Real-ESRGAN's match the
// realesrgan-ncnn-vulkan program from the same package on real photographs.
//
// Models: $TESSERA_MODELS, else ~/.local/share/tessera/models.
// Photos: $TESSERA_TEST_PHOTOS, else scikit-image's sample photographs
// (Debian package python3-skimage, files chelsea.png and astronaut.png),
// either installed or unpacked by scripts/setup.sh into
// ~/.local/share/tessera/testdata/photos.

#include "common/error.h"
#include "models/arch/arch.h"
#include "models/detect.h"
#include "models/load_weights.h"
#include "models/loaders/weight_store.h"
#include "store_helpers.h"
#include "models/ncnn/ncnn_graph.h"
#include "models/ncnn/ncnn_model.h"
#include "models/ncnn/ncnn_param.h"
#include "models/ncnn/ncnn_shape_check.h"

#include <ATen/ATen.h>

#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include "test_data.h"

#include <QtTest>

#include <cmath>
#include <cstring>

using namespace tessera;
using tessera::test::findPhoto;
using tessera::test::modelsDir;

namespace {

// QImage (RGB888) -> [1, 3, H, W] in [0, 1]
at::Tensor toTensor(const QImage& image)
{
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    at::Tensor t = at::empty({rgb.height(), rgb.width(), 3}, at::kByte);
    for (int y = 0; y < rgb.height(); ++y)
        std::memcpy(t[y].data_ptr(), rgb.constScanLine(y), size_t(rgb.width()) * 3);
    return t.permute({2, 0, 1}).unsqueeze(0).to(at::kFloat) / 255.0;
}

// PSNR of two [1, 3, H, W] tensors of 0..255 values.
double psnr(const at::Tensor& a, const at::Tensor& b)
{
    const double mse = (a.to(at::kDouble) - b.to(at::kDouble)).pow(2).mean().item<double>();
    return mse == 0 ? 99.0 : 10.0 * std::log10(255.0 * 255.0 / mse);
}

// The weights of an ncnn SRVGGNetCompact graph (realesr-animevideov3-x4 and
// other "Compact" exports) in the PyTorch checkpoint layout: body.0.weight/bias
// (first conv), body.1.weight (PReLU), ..., body.<2k>.weight/bias (last conv),
// float32. The graph must be exactly Input, Split, Convolution (PReLU
// Convolution)*, PixelShuffle, nearest Interp, BinaryOp add (a Convolution
// and its PReLU may be one node, and so may the last three: see
// ncnn_graph.cpp); anything else is Error(UnsupportedModel) naming the first
// layer that does not fit.
StateDict ncnnSrvggStateDict(const std::string& paramPath)
{
    const std::unique_ptr<ncnn::Graph> graph = ncnn::loadGraph(paramPath);
    const auto& nodes = graph->nodes();
    const auto notSrvgg = [&](size_t index, const std::string& expected) {
        const std::string found = index < nodes.size()
            ? nodes[index].layer->type() + " layer '" + nodes[index].layer->name() + "'"
            : std::string("the end of the graph");
        throw Error(ErrorCode::UnsupportedModel,
                    paramPath + ": not an SRVGGNetCompact graph: expected " + expected + ", found " + found);
    };

    StateDict stateDict;
    size_t i = 0;
    // The graph input may be split into the body and the residual branch.
    while (i < nodes.size() && (nodes[i].layer->type() == "Input" || nodes[i].layer->type() == "Split"))
        ++i;
    int key = 0;
    bool expectConv = true;
    for (; i < nodes.size(); ++i) {
        const std::string& type = nodes[i].layer->type();
        const auto& weights = nodes[i].layer->weights();
        if (expectConv) {
            // weights: [weight, bias], or with the PReLU built into it [weight, bias, slopes]
            if (type != "Convolution" || (weights.size() != 2 && weights.size() != 3))
                notSrvgg(i, "a Convolution with bias");
            stateDict["body." + std::to_string(key) + ".weight"] = weights[0].to(at::kFloat).contiguous();
            stateDict["body." + std::to_string(key) + ".bias"] = weights[1].to(at::kFloat).contiguous();
            if (weights.size() == 3) {
                stateDict["body." + std::to_string(key + 1) + ".weight"] = weights[2].to(at::kFloat).contiguous();
                key += 2;
                continue; // a Convolution comes next
            }
        } else {
            if (type == "PixelShuffle" || type == "BinaryOp")
                break;
            if (type != "PReLU")
                notSrvgg(i, "PReLU or PixelShuffle");
            stateDict["body." + std::to_string(key) + ".weight"] = weights[0].to(at::kFloat).contiguous();
        }
        ++key;
        expectConv = !expectConv;
    }
    if (key < 3)
        notSrvgg(i, "at least two convolutions");
    // The tail: pixel shuffle + nearest-upsampled input, added (as one node
    // with both inputs, or three).
    const bool oneNode = i < nodes.size() && nodes[i].layer->type() == "BinaryOp" && nodes[i].inputs.size() == 2;
    const std::vector<std::string> tail = oneNode ? std::vector<std::string>{"BinaryOp"}
                                                  : std::vector<std::string>{"PixelShuffle", "Interp", "BinaryOp"};
    for (size_t k = 0; k < tail.size(); ++k)
        if (i + k >= nodes.size() || nodes[i + k].layer->type() != tail[k])
            notSrvgg(i + k, tail[k]);
    if (i + tail.size() != nodes.size())
        notSrvgg(i + tail.size(), "the end of the graph");
    return stateDict;
}

} // namespace

class TestNcnnModels : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!QFileInfo::exists(modelsDir() + "/real-esrgan/models/realesr-animevideov3-x4.param"))
            QSKIP("ncnn models not fetched (run scripts/setup.sh or set TESSERA_MODELS)");
        at::manual_seed(3);
    }

    void shippedModelsLoadAndRun_data()
    {
        QTest::addColumn<QString>("param");
        QTest::addColumn<int>("scale");
        QTest::newRow("animevideov3-x2") << "real-esrgan/models/realesr-animevideov3-x2.param" << 2;
        QTest::newRow("animevideov3-x3") << "real-esrgan/models/realesr-animevideov3-x3.param" << 3;
        QTest::newRow("x4plus-anime") << "real-esrgan/models/realesrgan-x4plus-anime.param" << 4;
        QTest::newRow("cugan-up2x") << "real-cugan/models-se/up2x-conservative.param" << 2;
        QTest::newRow("cugan-up3x") << "real-cugan/models-se/up3x-denoise3x.param" << 3;
        QTest::newRow("cugan-up4x") << "real-cugan/models-se/up4x-no-denoise.param" << 4;
        QTest::newRow("cunet-2x") << "waifu2x/models-cunet/noise1_scale2.0x_model.param" << 2;
        QTest::newRow("cunet-1x") << "waifu2x/models-cunet/noise2_model.param" << 1;
        QTest::newRow("upconv7-2x") << "waifu2x/models-upconv_7_anime_style_art_rgb/scale2.0x_model.param" << 2;
    }
    void shippedModelsLoadAndRun()
    {
        QFETCH(QString, param);
        QFETCH(int, scale);
        const QString path = modelsDir() + "/" + param;
        if (!QFileInfo::exists(path))
            QSKIP(qPrintable(path + " is not fetched"));
        auto model = loadNcnnModel(path.toStdString());
        const ModelInfo& info = model->info();
        qInfo("%s: %s, radius %d", qPrintable(param), info.details.c_str(), info.receptiveRadius);
        QCOMPARE(info.scale, scale);
        // The listing's scale, read from the layers without running them, is the run's.
        QCOMPARE(ncnn::checkBlobShapes(ncnn::parseParamFile(path.toStdString())).scale, scale);
        QCOMPARE(info.inChannels, 3);
        QCOMPARE(info.outChannels, 3);
        QCOMPARE(info.inputMultiple, 1);
        QVERIFY(info.parameterCount > 10000);
        QVERIFY(info.receptiveRadius > 0);
        QVERIFY(info.featureChannels >= 32);
        model->to(DeviceSpec{}, Precision::Fp32);
        // an odd size and a smooth image: the output is the right size and,
        // for a photograph-like ramp, stays near the input's range
        const at::Tensor ramp = at::linspace(0.2, 0.8, 21).view({1, 1, 1, 21}).expand({1, 3, 19, 21}).contiguous();
        const at::Tensor y = model->forward(ramp);
        QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{1, 3, 19 * scale, 21 * scale}));
        QVERIFY(at::isfinite(y).all().item<bool>());
        const at::Tensor upscaled = at::upsample_bilinear2d(ramp, {19 * scale, 21 * scale}, false);
        const double meanError = (y - upscaled).abs().mean().item<double>();
        QVERIFY2(meanError < 0.05, qPrintable(QString("mean |model - bilinear| = %1").arg(meanError)));
    }

    void animevideov3AgreesWithSrvggArchitecture()
    {
        // The same weights run as an ncnn graph and as our SRVGGNetCompact.
        const QString path = modelsDir() + "/real-esrgan/models/realesr-animevideov3-x4.param";
        const StateDict stateDict = ncnnSrvggStateDict(path.toStdString());
        QCOMPARE(stateDict.size(), size_t(18 * 2 + 17)); // 18 convs with bias, 17 PReLUs
        QCOMPARE(stateDict.at("body.1.weight").sizes().vec(), std::vector<int64_t>{64});
        QCOMPARE(stateDict.at("body.34.weight").sizes().vec(), (std::vector<int64_t>{48, 64, 3, 3}));
        const StateDictStore weights(stateDict);
        ModelInfo info;
        const auto net = test::buildDetectedNetwork(weights, info);
        QCOMPARE(info.architecture, std::string("SRVGGNetCompact"));
        QCOMPARE(info.scale, 4);

        auto model = loadNcnnModel(path.toStdString());
        model->to(DeviceSpec{}, Precision::Fp32);
        QCOMPARE(model->info().parameterCount, StateDictStore(stateDict).parameterCount());
        const at::Tensor x = at::rand({1, 3, 24, 20});
        c10::InferenceMode guard;
        const at::Tensor ours = model->forward(x);
        const at::Tensor reference = net->forward(x);
        QCOMPARE(ours.sizes().vec(), reference.sizes().vec());
        const double diff = (ours - reference).abs().max().item<double>();
        QVERIFY2(diff < 1e-4, qPrintable(QString("max difference %1").arg(diff)));

        // the 2x file adds a bicubic downscale after the network: not a plain SRVGG
        try {
            ncnnSrvggStateDict((modelsDir() + "/real-esrgan/models/realesr-animevideov3-x2.param").toStdString());
            QFAIL("took the x2 graph for a plain SRVGGNetCompact");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::UnsupportedModel);
        }
    }

    void matchesRealesrganNcnnVulkan_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("side");
        QTest::newRow("realesr-animevideov3-x4") << "realesr-animevideov3" << 48;
        QTest::newRow("realesrgan-x4plus-anime") << "realesrgan-x4plus-anime" << 40;
    }
    void matchesRealesrganNcnnVulkan()
    {
        QFETCH(QString, name);
        QFETCH(int, side);
        const QString binary = modelsDir() + "/bin/realesrgan-ncnn-vulkan";
        if (!QFileInfo(binary).isExecutable())
            QSKIP("realesrgan-ncnn-vulkan is not fetched");
        // Crops of two photographs: fur and eyes of a cat; a face, fabric and flag.
        const std::vector<std::pair<QString, QPoint>> photos = {{"chelsea.png", QPoint(200, 70)},
                                                                {"astronaut.png", QPoint(190, 90)}};
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkpath("in") && QDir(dir.path()).mkpath("out"));
        std::vector<QImage> inputs;
        for (const auto& [photo, corner] : photos) {
            const QString photoPath = findPhoto(photo);
            if (photoPath.isEmpty())
                QSKIP(qPrintable("photo " + photo + " not found (install python3-skimage or run scripts/setup.sh)"));
            const QImage source(photoPath);
            QVERIFY(!source.isNull());
            inputs.push_back(source.copy(QRect(corner, QSize(side, side))).convertToFormat(QImage::Format_RGB888));
            QVERIFY(inputs.back().save(dir.filePath("in/" + photo)));
        }

        // The reference: the program from the same package, one tile per image,
        // one run for all photos (its start-up dominates on lavapipe).
        QProcess process;
        process.start(binary, {"-i", dir.filePath("in"), "-o", dir.filePath("out"), "-n", name, "-s", "4", "-m",
                               modelsDir() + "/real-esrgan/models", "-t", "200", "-g", "0", "-f", "png"});
        if (!process.waitForFinished(300000) || process.exitCode() != 0)
            QSKIP(qPrintable("realesrgan-ncnn-vulkan did not run (no Vulkan device?): "
                             + QString::fromLocal8Bit(process.readAllStandardError().right(300))));

        // realesr-animevideov3 has one file per scale; realesrgan-x4plus-anime is 4x only.
        const QString param = name == "realesr-animevideov3" ? name + "-x4.param" : name + ".param";
        auto model = loadNcnnModel((modelsDir() + "/real-esrgan/models/" + param).toStdString());
        model->to(DeviceSpec{}, Precision::Fp32);

        for (size_t i = 0; i < photos.size(); ++i) {
            const QString outPath = dir.filePath("out/" + photos[i].first);
            if (!QFileInfo::exists(outPath))
                QSKIP(qPrintable("realesrgan-ncnn-vulkan wrote no " + outPath));
            const at::Tensor reference = toTensor(QImage(outPath)) * 255.0;
            QCOMPARE(reference.size(2), int64_t(side * 4));

            // Ours, through the same pipeline: the program pads each tile by
            // 10 px of mirrored image, runs the graph, crops 40 px, rounds.
            const at::Tensor x = at::reflection_pad2d(toTensor(inputs[i]), {10, 10, 10, 10});
            const at::Tensor y = model->forward(x).narrow(2, 40, side * 4).narrow(3, 40, side * 4);
            const at::Tensor ours = (y * 255.0 + 0.5).floor().clamp(0, 255);

            // On lavapipe the program turns out-of-range values into 8 bits by
            // wrapping (a dark pixel the model puts at -1.4 is saved as 255), so
            // compare modulo 256.
            const at::Tensor wrapped = reference - 256.0 * at::round((reference - ours) / 256.0);
            const int64_t wrappedCount = (wrapped != reference).sum().item<int64_t>();
            const double db = psnr(ours, wrapped);
            qInfo("%s on %s: PSNR %.2f dB (%lld of %lld reference values wrapped)", qPrintable(name),
                  qPrintable(photos[i].first), db, static_cast<long long>(wrappedCount),
                  static_cast<long long>(reference.numel()));
            QVERIFY2(db >= 40.0, qPrintable(QString("PSNR %1 dB < 40 dB").arg(db)));
        }
    }
};

QTEST_GUILESS_MAIN(TestNcnnModels)
#include "tst_ncnn_models.moc"

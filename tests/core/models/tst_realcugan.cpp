// Real-CUGAN on synthetic state dicts with the real key layout (UpCunet2x,
// 3x, 4x, 2x_fast, pro): detection, strict loading through a .safetensors
// file, output shapes, the pro input/output mapping and the recorded
// receptive radius.

#include "common/error.h"
#include "models/detect.h"
#include "models/loaders/safetensors.h"
#include "models/loaders/weight_store.h"
#include "models/upscale_model.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace tessera;

namespace {

enum class Kind { Up2x, Up3x, Up4x, Fast2x };

// He-style initialisation keeps activations of a random network from
// vanishing or exploding, so the outputs and their differences are meaningful.
void conv(StateDict& sd, const std::string& name, int64_t in, int64_t out, int64_t k)
{
    sd[name + ".weight"] = at::randn({out, in, k, k}) * std::sqrt(1.0 / double(in * k * k));
    sd[name + ".bias"] = at::randn({out}) * 0.01;
}

// ConvTranspose2d weights are [in, out, k, k].
void deconv(StateDict& sd, const std::string& name, int64_t in, int64_t out, int64_t k)
{
    sd[name + ".weight"] = at::randn({in, out, k, k}) * std::sqrt(1.0 / double(in));
    sd[name + ".bias"] = at::randn({out}) * 0.01;
}

void unetConv(StateDict& sd, const std::string& name, int64_t in, int64_t mid, int64_t out, bool se)
{
    conv(sd, name + ".conv.0", in, mid, 3);
    conv(sd, name + ".conv.2", mid, out, 3);
    if (se) {
        conv(sd, name + ".seblock.conv1", out, out / 8, 1);
        conv(sd, name + ".seblock.conv2", out / 8, out, 1);
    }
}

StateDict cugan(Kind kind, bool pro = false)
{
    at::manual_seed(7);
    StateDict sd;
    const bool wide = kind == Kind::Up4x || kind == Kind::Fast2x;
    const int64_t unet = wide ? 64 : 3;
    unetConv(sd, "unet1.conv1", kind == Kind::Fast2x ? 12 : 3, 32, 64, false);
    conv(sd, "unet1.conv1_down", 64, 64, 2);
    unetConv(sd, "unet1.conv2", 64, 128, 64, true);
    deconv(sd, "unet1.conv2_up", 64, 64, 2);
    conv(sd, "unet1.conv3", 64, 64, 3);
    deconv(sd, "unet1.conv_bottom", 64, unet, kind == Kind::Up3x ? 5 : 4);
    unetConv(sd, "unet2.conv1", unet, 32, 64, false);
    conv(sd, "unet2.conv1_down", 64, 64, 2);
    unetConv(sd, "unet2.conv2", 64, 64, 128, true);
    conv(sd, "unet2.conv2_down", 128, 128, 2);
    unetConv(sd, "unet2.conv3", 128, 256, 128, true);
    deconv(sd, "unet2.conv3_up", 128, 128, 2);
    unetConv(sd, "unet2.conv4", 128, 64, 64, true);
    deconv(sd, "unet2.conv4_up", 64, 64, 2);
    conv(sd, "unet2.conv5", 64, 64, 3);
    conv(sd, "unet2.conv_bottom", 64, unet, 3);
    if (wide)
        conv(sd, "conv_final", 64, 12, 3);
    if (pro) // a marker tensor of any shape; a 0-dim one must load too
        sd["pro"] = kind == Kind::Up3x ? at::scalar_tensor(1.0) : at::zeros({1});
    return sd;
}

std::unique_ptr<UpscaleModel> load(const StateDict& sd)
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("m.safetensors").toStdString();
    saveSafetensors(path, sd);
    std::unique_ptr<UpscaleModel> model = loadUpscaleModel(path);
    model->to(DeviceSpec{}, Precision::Fp32);
    return model;
}

// Input pixels (Chebyshev distance, in input coordinates) from `pixel` to the
// farthest output pixel that changes when that input pixel of `x` changes;
// `y` is the model's output for `x`.
double influenceRadius(UpscaleModel& model, const at::Tensor& x, const at::Tensor& y, int py, int px)
{
    c10::InferenceMode guard;
    at::Tensor changed = x.clone();
    changed.index_put_({0, at::indexing::Slice(), py, px}, at::tensor({1.5f, -0.5f, 2.0f}));
    const at::Tensor diff = (model.forward(changed) - y).abs().amax(1)[0]; // [H s, W s]
    const at::Tensor where = at::nonzero(diff > 0);                         // [K, 2]
    if (where.size(0) == 0)
        return -1;
    const double s = model.info().scale;
    // An output pixel's centre sits at (o + 0.5) / s - 0.5 in input pixels.
    const at::Tensor centres = (where.to(at::kDouble) + 0.5) / s - 0.5;
    const at::Tensor source = at::tensor({double(py), double(px)}, at::kDouble);
    return (centres - source).abs().amax(1).max().item<double>();
}

} // namespace

class TestRealCugan : public QObject {
    Q_OBJECT
private slots:
    void detectAndRun_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("pro");
        QTest::addColumn<int>("scale");
        QTest::addColumn<int>("multiple");
        QTest::addColumn<QString>("variant");
        QTest::newRow("2x") << int(Kind::Up2x) << false << 2 << 2 << "UpCunet2x";
        QTest::newRow("3x") << int(Kind::Up3x) << false << 3 << 4 << "UpCunet3x";
        QTest::newRow("4x") << int(Kind::Up4x) << false << 4 << 2 << "UpCunet4x";
        QTest::newRow("2x fast") << int(Kind::Fast2x) << false << 2 << 4 << "UpCunet2x_fast";
        QTest::newRow("2x pro") << int(Kind::Up2x) << true << 2 << 2 << "UpCunet2x pro";
        QTest::newRow("3x pro") << int(Kind::Up3x) << true << 3 << 4 << "UpCunet3x pro";
        QTest::newRow("4x pro") << int(Kind::Up4x) << true << 4 << 2 << "UpCunet4x pro";
    }
    void detectAndRun()
    {
        QFETCH(int, kind);
        QFETCH(bool, pro);
        QFETCH(int, scale);
        QFETCH(int, multiple);
        QFETCH(QString, variant);
        const StateDict sd = cugan(Kind(kind), pro);
        const ModelInfo info = detectArchitecture(StateDictStore(sd));
        QCOMPARE(QString::fromStdString(info.architecture), QString("RealCUGAN"));
        QCOMPARE(info.scale, scale);
        QCOMPARE(info.inputMultiple, multiple);
        QCOMPARE(info.inChannels, 3);
        QCOMPARE(info.outChannels, 3);
        QCOMPARE(info.parameterCount, StateDictStore(sd).parameterCount());
        QVERIFY(info.receptiveRadius > 0);
        QVERIFY(info.fp16Safe);
        QCOMPARE(info.featureChannels, 64);
        QVERIFY2(QString::fromStdString(info.details).startsWith(variant + " "), info.details.c_str());

        std::unique_ptr<UpscaleModel> model = load(sd);
        c10::InferenceMode guard;
        // A multiple of every input multiple, one that needs rounding up, and
        // one smaller than the reflect padding.
        for (int size : {16, 13, 6}) {
            const at::Tensor y = model->forward(at::rand({1, 3, size, size + 4}));
            QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{1, 3, size * scale, (size + 4) * scale}));
            QVERIFY(at::isfinite(y).all().item<bool>());
        }
    }

    void proMapsInputAndOutput()
    {
        // Same weights: pro(x) == (plain(0.7 x + 0.15) - 0.15) / 0.7.
        for (Kind kind : {Kind::Up2x, Kind::Up4x}) {
            std::unique_ptr<UpscaleModel> plain = load(cugan(kind));
            std::unique_ptr<UpscaleModel> pro = load(cugan(kind, true));
            c10::InferenceMode guard;
            const at::Tensor x = at::rand({1, 3, 12, 12});
            const at::Tensor expected = (plain->forward(x * 0.7 + 0.15) - 0.15) / 0.7;
            const at::Tensor y = pro->forward(x);
            QVERIFY(at::allclose(y, expected, 1e-4, 1e-4));
            QVERIFY(!at::allclose(y, plain->forward(x), 1e-3, 1e-3));
        }
    }

    void receptiveRadius_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("2x") << int(Kind::Up2x);
        QTest::newRow("3x") << int(Kind::Up3x);
        QTest::newRow("4x") << int(Kind::Up4x);
        QTest::newRow("2x fast") << int(Kind::Fast2x);
    }
    void receptiveRadius()
    {
        // With the squeeze-excitation gates made constant (zero first convs),
        // the network is local: one changed input pixel must change output
        // pixels only within the recorded radius, and the radius is tight.
        QFETCH(int, kind);
        StateDict sd = cugan(Kind(kind));
        for (auto& [key, value] : sd)
            if (key.find("seblock.conv1.weight") != std::string::npos)
                value.zero_();
        std::unique_ptr<UpscaleModel> model = load(sd);
        const int radius = model->info().receptiveRadius;
        double widest = 0;
        c10::InferenceMode guard;
        // The changed pixel sits in the middle, at least a radius from the
        // edges, and its reflected copies are out of reach.
        const int size = Kind(kind) == Kind::Fast2x ? 96 : 64;
        const at::Tensor x = at::rand({1, 3, size, size});
        const at::Tensor y = model->forward(x);
        // Every phase of the strided convs (multiples up to 4) on both axes.
        for (int offset = 0; offset < 4; ++offset) {
            const double r = influenceRadius(*model, x, y, size / 2 - 2 + offset, size / 2 - 2 + offset);
            QVERIFY2(r >= 0, "changing an input pixel changed nothing");
            widest = std::max(widest, r);
        }
        qInfo("radius recorded %d, measured %.2f", radius, widest);
        QVERIFY2(widest <= radius, qPrintable(QString("measured %1 > recorded %2").arg(widest).arg(radius)));
        QVERIFY2(widest > radius - 1, qPrintable(QString("recorded %1 is loose (measured %2)").arg(radius).arg(widest)));
    }

    void strictLoading()
    {
        StateDict sd = cugan(Kind::Up2x);
        sd.erase("unet2.conv3.seblock.conv2.bias");
        sd["unet2.conv6.weight"] = at::zeros({3});
        sd["unet1.conv3.bias"] = at::zeros({65});
        try {
            load(sd);
            QFAIL("loaded weights that do not fit");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::UnsupportedModel);
            const QString message = e.what();
            QVERIFY2(message.contains("unet2.conv3.seblock.conv2.bias"), qPrintable(message));
            QVERIFY2(message.contains("unet2.conv6.weight"), qPrintable(message));
            QVERIFY2(message.contains("unet1.conv3.bias"), qPrintable(message));
        }
    }

    void wrongInputChannels()
    {
        std::unique_ptr<UpscaleModel> model = load(cugan(Kind::Up2x));
        c10::InferenceMode guard;
        try {
            model->forward(at::rand({1, 4, 8, 8}));
            QFAIL("ran a 3-channel model on 4 channels");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::InvalidArgument);
        }
    }

    void unsupportedBottomKernel()
    {
        StateDict sd = cugan(Kind::Up2x);
        sd["unet1.conv_bottom.weight"] = at::zeros({64, 3, 3, 3});
        try {
            detectArchitecture(StateDictStore(sd));
            QFAIL("accepted a 3x3 unet1.conv_bottom");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::UnsupportedModel);
            QVERIFY2(QString(e.what()).contains("conv_bottom"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestRealCugan)
#include "tst_realcugan.moc"

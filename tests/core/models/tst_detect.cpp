// Architecture detection on synthetic state dicts with the real key layouts,
// for several hyper-parameter sets; each is also built, loaded (strictly) and
// run on a small input through loadUpscaleModel via a .safetensors file.

#include "common/error.h"
#include "models/detect.h"
#include "models/loaders/safetensors.h"
#include "models/loaders/weight_store.h"
#include "models/upscale_model.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <QTemporaryDir>
#include <QtTest>

using namespace tessera;

namespace {

void conv(StateDict& sd, const std::string& name, int64_t in, int64_t out, int64_t k = 3, bool bias = true)
{
    sd[name + ".weight"] = at::randn({out, in, k, k}) * 0.05;
    if (bias)
        sd[name + ".bias"] = at::zeros({out});
}

StateDict esrgan(bool old, int64_t in, int64_t nf, int nb, int64_t gc, int ups)
{
    StateDict sd;
    conv(sd, old ? "model.0" : "conv_first", in, nf);
    for (int i = 0; i < nb; ++i)
        for (int j = 1; j <= 3; ++j)
            for (int k = 1; k <= 5; ++k) {
                const std::string name = old ? "model.1.sub." + std::to_string(i) + ".RDB" + std::to_string(j) + ".conv"
                                                   + std::to_string(k) + ".0"
                                             : "body." + std::to_string(i) + ".rdb" + std::to_string(j) + ".conv"
                                                   + std::to_string(k);
                conv(sd, name, nf + (k - 1) * gc, k == 5 ? nf : gc);
            }
    conv(sd, old ? "model.1.sub." + std::to_string(nb) : "conv_body", nf, nf);
    int index = 3;
    for (int u = 0; u < ups; ++u, index += 3)
        conv(sd, old ? "model." + std::to_string(index) : "conv_up" + std::to_string(u + 1), nf, nf);
    conv(sd, old ? "model." + std::to_string(index - 1) : "conv_hr", nf, nf);
    conv(sd, old ? "model." + std::to_string(index + 1) : "conv_last", nf, 3);
    return sd;
}

StateDict srvgg(int64_t nf, int convs, int scale, bool prelu)
{
    StateDict sd;
    for (int i = 0; i < convs + 2; ++i) {
        conv(sd, "body." + std::to_string(2 * i), i == 0 ? 3 : nf, i == convs + 1 ? 3 * scale * scale : nf);
        if (prelu && i <= convs)
            sd["body." + std::to_string(2 * i + 1) + ".weight"] = at::full({nf}, 0.25);
    }
    return sd;
}

StateDict omnisr(int64_t nf, int groups, int blocks, int window, int scale)
{
    StateDict sd;
    conv(sd, "input", 3, nf);
    conv(sd, "output", nf, nf);
    conv(sd, "up.0", nf, 3 * scale * scale);
    for (int g = 0; g < groups; ++g) {
        const std::string group = "residual_layer." + std::to_string(g);
        for (int b = 0; b < blocks; ++b) {
            const std::string l = group + ".residual_layer." + std::to_string(b) + ".layer.";
            conv(sd, l + "0.fn.0", nf, nf, 1);
            sd[l + "0.fn.2.weight"] = at::randn({nf, 1, 3, 3}) * 0.05;
            sd[l + "0.fn.2.bias"] = at::zeros({nf});
            sd[l + "0.fn.4.gate.1.weight"] = at::randn({nf / 4, nf}) * 0.05;
            sd[l + "0.fn.4.gate.3.weight"] = at::randn({nf, nf / 4}) * 0.05;
            conv(sd, l + "0.fn.5", nf, nf, 1);
            for (int i : {2, 8}) {
                const std::string a = l + std::to_string(i);
                sd[a + ".norm.weight"] = at::ones({nf});
                sd[a + ".norm.bias"] = at::zeros({nf});
                sd[a + ".fn.to_qkv.weight"] = at::randn({3 * nf, nf}) * 0.05;
                sd[a + ".fn.to_out.0.weight"] = at::randn({nf, nf}) * 0.05;
                sd[a + ".fn.rel_pos_bias.weight"] = at::randn({(2 * window - 1) * (2 * window - 1), 4}) * 0.05;
            }
            for (int i : {4, 6, 10, 12}) {
                const std::string f = l + std::to_string(i);
                sd[f + ".norm.weight"] = at::ones({nf});
                sd[f + ".norm.bias"] = at::zeros({nf});
                conv(sd, f + ".fn.project_in", nf, 2 * nf, 1, false);
                sd[f + ".fn.dwconv.weight"] = at::randn({2 * nf, 1, 3, 3}) * 0.05;
                conv(sd, f + ".fn.project_out", nf, nf, 1, false);
            }
            for (int i : {5, 11}) {
                const std::string c = l + std::to_string(i);
                sd[c + ".norm.weight"] = at::ones({nf});
                sd[c + ".norm.bias"] = at::zeros({nf});
                sd[c + ".fn.temperature"] = at::ones({4, 1, 1});
                conv(sd, c + ".fn.qkv", nf, 3 * nf, 1, false);
                sd[c + ".fn.qkv_dwconv.weight"] = at::randn({3 * nf, 1, 3, 3}) * 0.05;
                conv(sd, c + ".fn.project_out", nf, nf, 1, false);
            }
        }
        conv(sd, group + ".residual_layer." + std::to_string(blocks), nf, nf, 1);
        conv(sd, group + ".esa.conv1", nf, 16, 1);
        conv(sd, group + ".esa.conv_f", 16, 16, 1);
        conv(sd, group + ".esa.conv2", 16, 16);
        conv(sd, group + ".esa.conv3", 16, 16);
        conv(sd, group + ".esa.conv4", 16, nf, 1);
    }
    return sd;
}

void conv3xc(StateDict& sd, const std::string& name, int64_t in, int64_t out)
{
    conv(sd, name + ".sk", in, out, 1);
    conv(sd, name + ".conv.0", in, 2 * in, 1);
    conv(sd, name + ".conv.1", 2 * in, 2 * out, 3);
    conv(sd, name + ".conv.2", 2 * out, out, 1);
    conv(sd, name + ".eval_conv", in, out, 3);
}

StateDict span(int64_t nf, int scale)
{
    StateDict sd;
    conv3xc(sd, "conv_1", 3, nf);
    for (int b = 1; b <= 6; ++b)
        for (int i = 1; i <= 3; ++i)
            conv3xc(sd, "block_" + std::to_string(b) + ".c" + std::to_string(i) + "_r", nf, nf);
    conv(sd, "conv_cat", 4 * nf, nf, 1);
    conv3xc(sd, "conv_2", nf, nf);
    conv(sd, "upsampler.0", nf, 3 * scale * scale);
    return sd;
}

// Saves, loads through loadUpscaleModel and runs a [1, 3, size, size] input.
void checkRuns(const StateDict& sd, int size)
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("m.safetensors").toStdString();
    saveSafetensors(path, sd);
    std::unique_ptr<UpscaleModel> model = loadUpscaleModel(path);
    model->to(DeviceSpec{}, Precision::Fp32);
    c10::InferenceMode guard;
    const at::Tensor y = model->forward(at::rand({1, 3, size, size}));
    const int s = model->info().scale;
    QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{1, 3, size * s, size * s}));
    QVERIFY(at::isfinite(y).all().item<bool>());
}

} // namespace

class TestDetect : public QObject {
    Q_OBJECT
private slots:
    void rrdb_data()
    {
        QTest::addColumn<bool>("old");
        QTest::addColumn<int>("in");
        QTest::addColumn<int>("ups");
        QTest::addColumn<int>("scale");
        QTest::addColumn<int>("multiple");
        QTest::newRow("new x4") << false << 3 << 2 << 4 << 1;
        QTest::newRow("new x2 (unshuffle 2)") << false << 12 << 2 << 2 << 2;
        QTest::newRow("new x1 (unshuffle 4)") << false << 48 << 2 << 1 << 4;
        QTest::newRow("old x4") << true << 3 << 2 << 4 << 1;
        QTest::newRow("old x2") << true << 3 << 1 << 2 << 1;
        QTest::newRow("old x8") << true << 3 << 3 << 8 << 1;
        QTest::newRow("old x1") << true << 3 << 0 << 1 << 1;
    }
    void rrdb()
    {
        QFETCH(bool, old);
        QFETCH(int, in);
        QFETCH(int, ups);
        QFETCH(int, scale);
        QFETCH(int, multiple);
        const StateDict sd = esrgan(old, in, 8, 2, 4, ups);
        const ModelInfo info = detectArchitecture(StateDictStore(sd));
        QCOMPARE(QString::fromStdString(info.architecture), QString("ESRGAN"));
        QCOMPARE(info.scale, scale);
        QCOMPARE(info.inputMultiple, multiple);
        QCOMPARE(info.inChannels, 3);
        QVERIFY(info.receptiveRadius >= 30);
        QVERIFY(QString::fromStdString(info.details).contains("nb=2"));
        QCOMPARE(info.featureChannels, 8);
        QCOMPARE(info.parameterCount, StateDictStore(sd).parameterCount());
        checkRuns(sd, 8);
    }

    void srvggDepths_data()
    {
        QTest::addColumn<int>("convs");
        QTest::addColumn<int>("scale");
        QTest::addColumn<bool>("prelu");
        QTest::newRow("16 convs x4") << 16 << 4 << true;
        QTest::newRow("32 convs x2") << 32 << 2 << true;
        QTest::newRow("4 convs x3") << 4 << 3 << true;
        QTest::newRow("8 convs x1 leaky") << 8 << 1 << false;
    }
    void srvggDepths()
    {
        QFETCH(int, convs);
        QFETCH(int, scale);
        QFETCH(bool, prelu);
        const StateDict sd = srvgg(16, convs, scale, prelu);
        const ModelInfo info = detectArchitecture(StateDictStore(sd));
        QCOMPARE(QString::fromStdString(info.architecture), QString("SRVGGNetCompact"));
        QCOMPARE(info.scale, scale);
        QCOMPARE(info.receptiveRadius, convs + 2);
        QCOMPARE(info.featureChannels, 16);
        QVERIFY(QString::fromStdString(info.details).contains("num_conv=" + QString::number(convs)));
        checkRuns(sd, 8);
    }

    void omnisrConfigs()
    {
        const StateDict sd = omnisr(16, 2, 1, 4, 2);
        const ModelInfo info = detectArchitecture(StateDictStore(sd));
        QCOMPARE(QString::fromStdString(info.architecture), QString("OmniSR"));
        QCOMPARE(info.scale, 2);
        QCOMPARE(info.inputMultiple, 4);
        QVERIFY(QString::fromStdString(info.details).contains("res_num=2"));
        QVERIFY(QString::fromStdString(info.details).contains("window=4"));
        QCOMPARE(info.featureChannels, 16);
        checkRuns(sd, 20);
    }

    void spanConfigs()
    {
        for (int scale : {2, 4}) {
            const StateDict sd = span(16, scale);
            const ModelInfo info = detectArchitecture(StateDictStore(sd));
            QCOMPARE(QString::fromStdString(info.architecture), QString("SPAN"));
            QCOMPARE(info.scale, scale);
            QVERIFY(QString::fromStdString(info.details).contains("feature_channels=16"));
            QCOMPARE(info.featureChannels, 16);
            checkRuns(sd, 8);
        }
    }

    void unknownNamesClosest()
    {
        StateDict sd = esrgan(false, 3, 8, 1, 4, 2);
        sd.erase("conv_first.weight");
        sd.erase("conv_first.bias");
        sd["attention.0.weight"] = at::zeros({4});
        try {
            detectArchitecture(StateDictStore(sd));
            QFAIL("detected an architecture for an unknown state dict");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::UnsupportedModel);
            const QString message = e.what();
            QVERIFY2(message.contains("closest is ESRGAN"), qPrintable(message));
            QVERIFY2(message.contains("conv_first.weight"), qPrintable(message));
            QVERIFY2(message.contains("attention.0.weight"), qPrintable(message));
        }
    }

    void strictLoading()
    {
        // A stray key and a wrong shape: both named in the error.
        StateDict sd = srvgg(8, 2, 2, true);
        sd["body.2.extra"] = at::zeros({3});
        sd["body.2.bias"] = at::zeros({9});
        QTemporaryDir dir;
        const std::string path = dir.filePath("m.safetensors").toStdString();
        saveSafetensors(path, sd);
        try {
            loadUpscaleModel(path);
            QFAIL("loaded weights that do not fit");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::UnsupportedModel);
            const QString message = e.what();
            QVERIFY2(message.contains("body.2.extra") && message.contains("body.2.bias"), qPrintable(message));
        }
    }
};

QTEST_GUILESS_MAIN(TestDetect)
#include "tst_detect.moc"

// Our RRDBNet (models/arch/esrgan.cpp, whose dense blocks keep their features
// in one buffer and write each convolution's output into a channel slice)
// against BasicSR's RRDBNet written out with torch ops: torch.cat before
// every dense-block convolution, x5 * 0.2 + x, out * 0.2 + x, nearest x2
// upsampling. Random weights, both key layouts (BasicSR's and the old
// ESRGAN repository's), fp32 on the CPU.

#include "store_helpers.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <QtTest>

#include <cmath>
#include <functional>

using namespace tessera;

namespace {

constexpr int64_t kFeatures = 16, kGrowth = 8;
constexpr int kBlocks = 2, kUpsamples = 2; // x4

// The key of each convolution in the two layouts.
struct Keys {
    bool old = false;
    std::string first() const { return old ? "model.0" : "conv_first"; }
    std::string dense(int block, int rdb, int k) const
    {
        return old ? "model.1.sub." + std::to_string(block) + ".RDB" + std::to_string(rdb) + ".conv" + std::to_string(k) + ".0"
                   : "body." + std::to_string(block) + ".rdb" + std::to_string(rdb) + ".conv" + std::to_string(k);
    }
    std::string body() const { return old ? "model.1.sub." + std::to_string(kBlocks) : "conv_body"; }
    std::string up(int u) const { return old ? "model." + std::to_string(3 + 3 * u) : "conv_up" + std::to_string(u + 1); }
    std::string hr() const { return old ? "model." + std::to_string(3 + 3 * kUpsamples - 1) : "conv_hr"; }
    std::string last() const { return old ? "model." + std::to_string(3 + 3 * kUpsamples + 1) : "conv_last"; }
};

// Kaiming-scaled random weights and random biases: outputs of order 1.
StateDict randomRrdbNet(const Keys& keys)
{
    at::manual_seed(11);
    StateDict sd;
    const auto conv = [&](const std::string& name, int64_t in, int64_t out) {
        sd[name + ".weight"] = at::randn({out, in, 3, 3}) * std::sqrt(2.0 / double(in * 9));
        sd[name + ".bias"] = at::randn({out}) * 0.1;
    };
    conv(keys.first(), 3, kFeatures);
    for (int b = 0; b < kBlocks; ++b)
        for (int r = 1; r <= 3; ++r)
            for (int k = 1; k <= 5; ++k)
                conv(keys.dense(b, r, k), kFeatures + (k - 1) * kGrowth, k == 5 ? kFeatures : kGrowth);
    conv(keys.body(), kFeatures, kFeatures);
    for (int u = 0; u < kUpsamples; ++u)
        conv(keys.up(u), kFeatures, kFeatures);
    conv(keys.hr(), kFeatures, kFeatures);
    conv(keys.last(), kFeatures, 3);
    return sd;
}

// BasicSR's RRDBNet.forward, line by line.
at::Tensor basicsrForward(const StateDict& sd, const Keys& keys, const at::Tensor& x)
{
    const auto conv = [&](const std::string& name, const at::Tensor& in) {
        return at::conv2d(in, sd.at(name + ".weight"), sd.at(name + ".bias"), 1, 1);
    };
    const auto lrelu = [](const at::Tensor& t) { return at::leaky_relu(t, 0.2); };
    const at::Tensor feat = conv(keys.first(), x);
    at::Tensor body = feat;
    for (int b = 0; b < kBlocks; ++b) {
        at::Tensor out = body;
        for (int r = 1; r <= 3; ++r) {
            const at::Tensor in = out;
            const at::Tensor x1 = lrelu(conv(keys.dense(b, r, 1), in));
            const at::Tensor x2 = lrelu(conv(keys.dense(b, r, 2), at::cat({in, x1}, 1)));
            const at::Tensor x3 = lrelu(conv(keys.dense(b, r, 3), at::cat({in, x1, x2}, 1)));
            const at::Tensor x4 = lrelu(conv(keys.dense(b, r, 4), at::cat({in, x1, x2, x3}, 1)));
            const at::Tensor x5 = conv(keys.dense(b, r, 5), at::cat({in, x1, x2, x3, x4}, 1));
            out = x5 * 0.2 + in;
        }
        body = out * 0.2 + body;
    }
    at::Tensor up = feat + conv(keys.body(), body);
    for (int u = 0; u < kUpsamples; ++u)
        up = lrelu(conv(keys.up(u), at::upsample_nearest2d(up, {up.size(2) * 2, up.size(3) * 2}, 2.0, 2.0)));
    return conv(keys.last(), lrelu(conv(keys.hr(), up)));
}

} // namespace

class TestEsrganForward : public QObject {
    Q_OBJECT

private slots:
    void equalsBasicsrWrittenOut_data()
    {
        QTest::addColumn<bool>("old");
        QTest::newRow("BasicSR keys") << false;
        QTest::newRow("old ESRGAN keys") << true;
    }

    void equalsBasicsrWrittenOut()
    {
        QFETCH(bool, old);
        c10::InferenceMode inference;
        const Keys keys{old};
        const StateDict sd = randomRrdbNet(keys);
        const StateDictStore weights(sd);
        ModelInfo info;
        const auto net = test::buildDetectedNetwork(weights, info);
        QCOMPARE(info.architecture, std::string("ESRGAN"));
        QCOMPARE(info.scale, 4);

        const at::Tensor x = at::rand({2, 3, 13, 10});
        const at::Tensor expected = basicsrForward(sd, keys, x);
        const at::Tensor ours = net->forward(x);
        QCOMPARE(ours.sizes().vec(), (std::vector<int64_t>{2, 3, 52, 40}));
        const double scale = expected.abs().max().item<double>();
        const double difference = (ours - expected).abs().max().item<double>();
        QVERIFY2(scale > 0.1, qPrintable(QString("outputs of %1: the weights do not exercise the network").arg(scale)));
        QVERIFY2(difference <= 1e-5 * (1 + scale), qPrintable(QString("max difference %1 on outputs up to %2").arg(difference).arg(scale)));
    }
};

QTEST_APPLESS_MAIN(TestEsrganForward)
#include "tst_esrgan_forward.moc"

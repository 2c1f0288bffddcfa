// The CPU's Winograd F(4x4, 3x3) convolution (models/cpu/winograd_convolution.h)
// against the direct sum computed in float64: every activation, paddings 0..2,
// sizes that leave partial 4x4 tiles and blocks, channel counts from 16 to
// 160, batches, channel slices read and written in place, NCHW input, NaN
// kept, the same values on one thread as on two, and the cases it leaves to
// torch.

// LibTorch headers before Qt's (Qt's "slots" macro breaks torch/nn).
#include "models/bias_activation.h"
#include "models/cpu/winograd_convolution.h"

#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <QtTest>

using namespace tessera;

namespace {

Activation activationOf(int kind, int64_t channels)
{
    Activation a;
    a.kind = Activation::Kind(kind);
    a.slope = 0.2;
    if (a.kind == Activation::Kind::PRelu)
        a.slopes = at::linspace(-0.5, 1.5, channels); // slopes past 1 too
    return a;
}

// act(conv2d(x, w, b)) in float64.
at::Tensor directSum(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b, int64_t padding,
                     const Activation& a)
{
    const at::Tensor y = at::conv2d(x.to(at::kDouble), w.to(at::kDouble), b.to(at::kDouble), 1, padding);
    switch (a.kind) {
    case Activation::Kind::None: return y;
    case Activation::Kind::Relu: return at::relu(y);
    case Activation::Kind::LeakyRelu: return at::leaky_relu(y, a.slope);
    case Activation::Kind::PRelu: return at::prelu(y, a.slopes.to(at::kDouble));
    }
    return y;
}

double maxDifference(const at::Tensor& a, const at::Tensor& b)
{
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

bool kernelsRunHere()
{
    const at::Tensor x = at::zeros({1, 16, 64, 64});
    return cpu::winogradConvolutionApplies(x, at::zeros({16, 16, 3, 3}), {1, 1}, {1, 1}, {1, 1}, 1);
}

} // namespace

class TestWinogradConvolution : public QObject {
    Q_OBJECT

private slots:
    void init()
    {
        if (!kernelsRunHere())
            QSKIP("this CPU or build has no AVX2 + FMA kernels");
    }

    void equalsTheDirectSum_data()
    {
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("outChannels");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("padding");
        // 37 x 70: partial tiles on both sides and a partial block of 16 tiles.
        QTest::newRow("64->64 37x70 pad 1, batch 2") << 2 << 64 << 64 << 37 << 70 << 1;
        QTest::newRow("16->8 9x7 pad 1") << 1 << 16 << 8 << 9 << 7 << 1;
        QTest::newRow("96->32 23x19 pad 1 (a dense block)") << 1 << 96 << 32 << 23 << 19 << 1;
        QTest::newRow("160->64 5x6 pad 1") << 1 << 160 << 64 << 5 << 6 << 1;
        QTest::newRow("64->48 10x13 pad 0") << 1 << 64 << 48 << 10 << 13 << 0;
        QTest::newRow("24->24 17x16 pad 2") << 1 << 24 << 24 << 17 << 16 << 2;
        QTest::newRow("32->16 1x1 pad 1") << 1 << 32 << 16 << 1 << 1 << 1;
        QTest::newRow("16->16 3x3 pad 0 (one pixel out)") << 1 << 16 << 16 << 3 << 3 << 0;
    }

    void equalsTheDirectSum()
    {
        QFETCH(int, batch);
        QFETCH(int, channels);
        QFETCH(int, outChannels);
        QFETCH(int, height);
        QFETCH(int, width);
        QFETCH(int, padding);
        c10::InferenceMode inference;
        at::manual_seed(channels * 131 + height);
        const at::Tensor x = at::randn({batch, channels, height, width}).contiguous(at::MemoryFormat::ChannelsLast);
        const at::Tensor w = at::randn({outChannels, channels, 3, 3}) / std::sqrt(9.0 * channels);
        const at::Tensor b = at::randn({outChannels});
        for (int kind = 0; kind < 4; ++kind) {
            const Activation a = activationOf(kind, outChannels);
            const at::Tensor expected = directSum(x, w, b, padding, a);
            const at::Tensor ours = cpu::winogradConvolution(x, w, b, {padding, padding}, a);
            QCOMPARE(ours.sizes(), expected.sizes());
            QVERIFY(ours.is_contiguous(at::MemoryFormat::ChannelsLast));
            // Float rounding of the transforms (constants up to 8): about
            // 1e-5 of the output's scale; a wrong index is off by O(1).
            const double error = maxDifference(ours, expected), scale = expected.abs().max().item<double>();
            QVERIFY2(error <= 2e-5 * (1 + scale), qPrintable(QString("kind %1: %2 of %3").arg(kind).arg(error).arg(scale)));
            // The entry point the architectures call takes this path where it
            // applies (at least 4096 output pixels), torch's elsewhere.
            const at::Tensor viaEntry = convolutionBiasActivation(x, w, b, {1, 1}, {padding, padding}, {1, 1}, 1, a);
            const bool applies = cpu::winogradConvolutionApplies(x, w, {1, 1}, {padding, padding}, {1, 1}, 1);
            QCOMPARE(applies, ours.size(0) * ours.size(2) * ours.size(3) >= 4096);
            if (applies)
                QVERIFY(at::equal(viaEntry, ours));
            else
                QVERIFY(maxDifference(viaEntry, expected) <= 1e-5 * (1 + scale));
        }
    }

    void readsAndWritesChannelSlicesInPlace()
    {
        // A dense block's step: channels 0..31 of a 72-channel buffer in,
        // 32 channels at 32..63 out; channels 64..71 untouched.
        c10::InferenceMode inference;
        at::manual_seed(11);
        const at::Tensor buffer = at::randn({2, 72, 48, 45}).contiguous(at::MemoryFormat::ChannelsLast);
        const at::Tensor before = buffer.clone();
        const at::Tensor w = at::randn({32, 32, 3, 3}) * 0.1;
        const at::Tensor b = at::randn({32});
        const Activation leaky = activationOf(int(Activation::Kind::LeakyRelu), 32);
        const at::Tensor x = buffer.narrow(1, 0, 32);
        const at::Tensor expected = directSum(x, w, b, 1, leaky);
        const at::Tensor out = buffer.narrow(1, 32, 32);
        QVERIFY(cpu::winogradConvolutionApplies(x, w, {1, 1}, {1, 1}, {1, 1}, 1));
        convolutionBiasActivationInto(x, w, b, {1, 1}, {1, 1}, {1, 1}, 1, leaky, out);
        QVERIFY(maxDifference(buffer.narrow(1, 32, 32), expected) <= 2e-5 * (1 + expected.abs().max().item<double>()));
        QVERIFY(at::equal(buffer.narrow(1, 0, 32), before.narrow(1, 0, 32)));
        QVERIFY(at::equal(buffer.narrow(1, 64, 8), before.narrow(1, 64, 8)));
    }

    void nchwInputGivesTheSameValues()
    {
        c10::InferenceMode inference;
        at::manual_seed(12);
        const at::Tensor x = at::randn({1, 16, 11, 9});
        const at::Tensor w = at::randn({16, 16, 3, 3}) * 0.2;
        const at::Tensor b = at::randn({16});
        const Activation none;
        QVERIFY(x.is_contiguous() && x.stride(1) != 1);
        QVERIFY(at::equal(cpu::winogradConvolution(x, w, b, {1, 1}, none),
                          cpu::winogradConvolution(x.contiguous(at::MemoryFormat::ChannelsLast), w, b, {1, 1}, none)));
    }

    void nanStaysNaN()
    {
        // The overflow checks downstream look for NaN: no activation may
        // turn one into a number.
        c10::InferenceMode inference;
        at::Tensor x = at::randn({1, 16, 8, 8}).contiguous(at::MemoryFormat::ChannelsLast);
        x.index_put_({0, 3, 4, 4}, std::numeric_limits<float>::quiet_NaN());
        const at::Tensor w = at::randn({16, 16, 3, 3}) * 0.2;
        const at::Tensor b = at::randn({16});
        for (int kind = 0; kind < 4; ++kind) {
            const at::Tensor y = cpu::winogradConvolution(x, w, b, {1, 1}, activationOf(kind, 16));
            QVERIFY2(at::isnan(y[0][5][4][4]).item<bool>(), qPrintable(QString("kind %1").arg(kind)));
        }
    }

    void oneThreadGivesTheValuesOfTwo()
    {
        c10::InferenceMode inference;
        at::manual_seed(13);
        const at::Tensor x = at::randn({1, 32, 41, 77}).contiguous(at::MemoryFormat::ChannelsLast);
        const at::Tensor w = at::randn({32, 32, 3, 3}) * 0.1;
        const Activation prelu = activationOf(int(Activation::Kind::PRelu), 32);
        const int threads = at::get_num_threads();
        at::set_num_threads(1);
        const at::Tensor one = cpu::winogradConvolution(x, w, at::Tensor(), {1, 1}, prelu);
        at::set_num_threads(2);
        const at::Tensor two = cpu::winogradConvolution(x, w, at::Tensor(), {1, 1}, prelu);
        at::set_num_threads(threads);
        QVERIFY(at::equal(one, two));
    }

    void leavesTheRestToTorch()
    {
        const at::Tensor x = at::zeros({1, 16, 64, 64});
        const at::Tensor w = at::zeros({16, 16, 3, 3});
        QVERIFY(!cpu::winogradConvolutionApplies(x, w, {2, 2}, {1, 1}, {1, 1}, 1));                    // stride 2
        QVERIFY(!cpu::winogradConvolutionApplies(x, w, {1, 1}, {2, 2}, {2, 2}, 1));                    // dilation 2
        QVERIFY(!cpu::winogradConvolutionApplies(x, at::zeros({16, 8, 3, 3}), {1, 1}, {1, 1}, {1, 1}, 2)); // groups
        QVERIFY(!cpu::winogradConvolutionApplies(x, at::zeros({16, 16, 5, 5}), {1, 1}, {2, 2}, {1, 1}, 1)); // 5x5
        QVERIFY(!cpu::winogradConvolutionApplies(x, at::zeros({16, 16, 1, 1}), {1, 1}, {0, 0}, {1, 1}, 1)); // 1x1
        QVERIFY(!cpu::winogradConvolutionApplies(at::zeros({1, 3, 8, 8}), at::zeros({64, 3, 3, 3}), {1, 1}, {1, 1},
                                                 {1, 1}, 1)); // an image's 3 channels
        QVERIFY(!cpu::winogradConvolutionApplies(x, at::zeros({12, 16, 3, 3}), {1, 1}, {1, 1}, {1, 1}, 1)); // 12 out
        QVERIFY(!cpu::winogradConvolutionApplies(x.to(at::kDouble), w.to(at::kDouble), {1, 1}, {1, 1}, {1, 1}, 1));
        QVERIFY(!cpu::winogradConvolutionApplies(at::zeros({1, 16, 1, 1}), w, {1, 1}, {0, 0}, {1, 1}, 1)); // no output
        // Small maps: the filter transform would cost more than it saves.
        QVERIFY(!cpu::winogradConvolutionApplies(at::zeros({1, 16, 32, 32}), w, {1, 1}, {1, 1}, {1, 1}, 1));
        QVERIFY(cpu::winogradConvolutionApplies(at::zeros({4, 16, 32, 32}), w, {1, 1}, {1, 1}, {1, 1}, 1)); // a batch
        QVERIFY(cpu::winogradConvolutionApplies(x, w, {1, 1}, {1, 1}, {1, 1}, 1));
        cpu::setWinogradConvolutionsEnabled(false);
        QVERIFY(!cpu::winogradConvolutionApplies(x, w, {1, 1}, {1, 1}, {1, 1}, 1));
        cpu::setWinogradConvolutionsEnabled(true);
    }
};

QTEST_APPLESS_MAIN(TestWinogradConvolution)
#include "tst_winograd_convolution.moc"

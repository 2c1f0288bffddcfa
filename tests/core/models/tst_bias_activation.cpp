// The convolution epilogue act(conv(x) + bias): every activation kind equals
// torch's own ops (conv2d with its bias, then relu / leaky_relu / prelu), in
// place and not, on the CPU (torch's path) and, where this build has our
// CUDA kernel, on the GPU for fp16 and fp32, channels-last and NCHW, with
// channel counts the vectorised path takes (64) and others (3, 13). Builds
// with cuDNN's operation graphs take them for fp16 channels-last here.

// LibTorch headers before Qt's (Qt's "slots" macro breaks torch/nn).
#include "models/bias_activation.h"

#include <c10/core/InferenceMode.h>

#include <QtTest>

#include <thread>

using namespace tessera;

namespace {

std::vector<Activation> everyActivation(int64_t channels)
{
    Activation none, relu, leaky, prelu, preluOne, preluSteep;
    relu.kind = Activation::Kind::Relu;
    leaky.kind = Activation::Kind::LeakyRelu;
    leaky.slope = 0.2;
    prelu.kind = Activation::Kind::PRelu;
    prelu.slopes = at::linspace(-0.5, 0.5, channels);
    preluOne.kind = Activation::Kind::PRelu;
    preluOne.slopes = at::full({1}, 0.25);
    // Slopes past 1 (max(t, s t) would be wrong there).
    preluSteep.kind = Activation::Kind::PRelu;
    preluSteep.slopes = at::linspace(0.5, 1.5, channels);
    return {none, relu, leaky, prelu, preluOne, preluSteep};
}

at::Tensor reference(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b, const Activation& a)
{
    const at::Tensor y = at::conv2d(x, w, b, 1, 1);
    switch (a.kind) {
    case Activation::Kind::None: return y;
    case Activation::Kind::Relu: return at::relu(y);
    case Activation::Kind::LeakyRelu: return at::leaky_relu(y, a.slope);
    case Activation::Kind::PRelu: return at::prelu(y, a.slopes);
    }
    return y;
}

double maxDifference(const at::Tensor& a, const at::Tensor& b)
{
    return (a.to(at::kCPU, at::kDouble) - b.to(at::kCPU, at::kDouble)).abs().max().item<double>();
}

} // namespace

class TestBiasActivation : public QObject {
    Q_OBJECT

private slots:
    void equalsTorchsOps_data()
    {
        QTest::addColumn<QString>("device");
        QTest::addColumn<int>("dtype");
        QTest::addColumn<bool>("channelsLast");
        QTest::addColumn<int>("channels");
        for (const int channels : {64, 3, 13}) {
            QTest::addRow("cpu fp32 %d", channels) << "cpu" << int(at::kFloat) << false << channels;
            for (const bool channelsLast : {true, false})
                for (const at::ScalarType dtype : {at::kHalf, at::kFloat})
                    QTest::addRow("cuda %s %s %d", c10::toString(dtype), channelsLast ? "nhwc" : "nchw", channels)
                        << "cuda" << int(dtype) << channelsLast << channels;
        }
    }

    void equalsTorchsOps()
    {
        QFETCH(QString, device);
        QFETCH(int, dtype);
        QFETCH(bool, channelsLast);
        QFETCH(int, channels);
        if (device == "cuda" && !at::hasCUDA())
            QSKIP("no CUDA device");
        c10::InferenceMode inference;
        at::manual_seed(3);
        const at::TensorOptions options = at::TensorOptions().device(device.toStdString()).dtype(at::ScalarType(dtype));
        const auto format = channelsLast ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
        const at::Tensor x = at::randn({2, 5, 9, 11}, options).contiguous(format);
        const at::Tensor w = (at::randn({channels, 5, 3, 3}, options) * 0.3).contiguous(format);
        const at::Tensor b = at::randn({channels}, options);
        const double tolerance = dtype == int(at::kHalf) ? 4e-3 : 1e-5;
        for (Activation a : everyActivation(channels)) {
            if (a.slopes.defined())
                a.slopes = a.slopes.to(options);
            const at::Tensor expected = reference(x, w, b, a);
            const at::Tensor ours = convolutionBiasActivation(x, w, b, {1, 1}, {1, 1}, {1, 1}, 1, a);
            QCOMPARE(ours.sizes(), expected.sizes());
            QVERIFY2(maxDifference(ours, expected) <= tolerance * (1 + expected.abs().max().item<double>()),
                     qPrintable(QString("kind %1: %2").arg(int(a.kind)).arg(maxDifference(ours, expected))));
            // Not in place: the input stays as it was.
            const at::Tensor y = at::conv2d(x, w, {}, 1, 1);
            const at::Tensor before = y.clone();
            const at::Tensor applied = applyBiasActivation(y, b, a, /*inPlace=*/false);
            QVERIFY(at::equal(y, before));
            QVERIFY(maxDifference(applied, expected) <= tolerance * (1 + expected.abs().max().item<double>()));
        }
    }

    void intoAChannelSlice_data()
    {
        QTest::addColumn<QString>("device");
        QTest::addColumn<int>("dtype");
        QTest::newRow("cpu fp32") << "cpu" << int(at::kFloat);
        QTest::newRow("cuda fp16") << "cuda" << int(at::kHalf);
    }

    void intoAChannelSlice()
    {
        // A dense block's step: read the first 24 channels of a 40-channel
        // channels-last buffer, write 8 channels at 24..31 (cuDNN's graphs
        // write there directly; elsewhere the result is copied in).
        QFETCH(QString, device);
        QFETCH(int, dtype);
        if (device == "cuda" && !at::hasCUDA())
            QSKIP("no CUDA device");
        c10::InferenceMode inference;
        at::manual_seed(5);
        const at::TensorOptions options = at::TensorOptions().device(device.toStdString()).dtype(at::ScalarType(dtype));
        const at::Tensor buffer = at::randn({2, 40, 9, 11}, options).contiguous(at::MemoryFormat::ChannelsLast);
        const at::Tensor before = buffer.clone();
        const at::Tensor w = (at::randn({8, 24, 3, 3}, options) * 0.2).contiguous(at::MemoryFormat::ChannelsLast);
        const at::Tensor b = at::randn({8}, options);
        Activation leaky;
        leaky.kind = Activation::Kind::LeakyRelu;
        leaky.slope = 0.2;
        const at::Tensor x = buffer.narrow(1, 0, 24);
        const at::Tensor expected = reference(x.contiguous(), w, b, leaky);
        convolutionBiasActivationInto(x, w, b, {1, 1}, {1, 1}, {1, 1}, 1, leaky, buffer.narrow(1, 24, 8));
        const double tolerance = dtype == int(at::kHalf) ? 4e-3 : 1e-5;
        QVERIFY(maxDifference(buffer.narrow(1, 24, 8), expected) <= tolerance * (1 + expected.abs().max().item<double>()));
        // The other channels are as they were.
        QVERIFY(at::equal(buffer.narrow(1, 0, 24), before.narrow(1, 0, 24)));
        QVERIFY(at::equal(buffer.narrow(1, 32, 8), before.narrow(1, 32, 8)));
    }

    void frozenPlansAreScopedToTheThread()
    {
        QVERIFY(!ConvolutionPlansFrozen::active());
        {
            const ConvolutionPlansFrozen outer;
            {
                const ConvolutionPlansFrozen inner;
                QVERIFY(ConvolutionPlansFrozen::active());
            }
            QVERIFY(ConvolutionPlansFrozen::active()); // the inner one restores, not clears
            bool elsewhere = true;
            std::thread([&] { elsewhere = ConvolutionPlansFrozen::active(); }).join();
            QVERIFY(!elsewhere);
        }
        QVERIFY(!ConvolutionPlansFrozen::active());
    }

    void withoutBiasIsTheActivationAlone()
    {
        c10::InferenceMode inference;
        const at::Tensor y = at::randn({1, 4, 3, 3});
        Activation leaky;
        leaky.kind = Activation::Kind::LeakyRelu;
        leaky.slope = 0.1;
        QVERIFY(at::allclose(applyBiasActivation(y, at::Tensor(), leaky, false), at::leaky_relu(y, 0.1)));
    }
};

QTEST_APPLESS_MAIN(TestBiasActivation)
#include "tst_bias_activation.moc"

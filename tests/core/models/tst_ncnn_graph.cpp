// ncnn graphs on hand-written .param / .bin snippets: the parser, the weight
// reader, every supported layer against a direct LibTorch computation, and
// clean errors for unknown layers, malformed params and truncated weights.

#include "common/error.h"
#include "models/ncnn/ncnn_graph.h"
#include "models/ncnn/ncnn_model.h"
#include "models/ncnn/ncnn_param.h"

#include <ATen/ATen.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <fstream>
#include <functional>

using namespace tessera;

namespace {

// Builds a .bin the way ncnn lays it out.
class BinWriter {
public:
    /// Tagged fp32 array (conv / inner-product weights).
    void tagged(const at::Tensor& t)
    {
        u32(0);
        raw(t);
    }
    /// Tagged fp16 array, padded to 4 bytes.
    void taggedHalf(const at::Tensor& t)
    {
        u32(0x01306B47);
        const at::Tensor h = t.contiguous().to(at::kHalf);
        const auto* p = reinterpret_cast<const uint8_t*>(h.data_ptr());
        m_bytes.insert(m_bytes.end(), p, p + h.numel() * 2);
        while (m_bytes.size() % 4)
            m_bytes.push_back(0);
    }
    /// Untagged fp32 array (bias, slopes).
    void raw(const at::Tensor& t)
    {
        const at::Tensor f = t.contiguous().to(at::kFloat);
        const auto* p = reinterpret_cast<const uint8_t*>(f.data_ptr<float>());
        m_bytes.insert(m_bytes.end(), p, p + f.numel() * 4);
    }
    void u32(uint32_t v)
    {
        for (int i = 0; i < 4; ++i)
            m_bytes.push_back(uint8_t(v >> (8 * i)));
    }
    std::vector<uint8_t>& bytes() { return m_bytes; }

private:
    std::vector<uint8_t> m_bytes;
};

std::string writeModel(const QTemporaryDir& dir, const std::string& name, const std::string& param,
                       const std::vector<uint8_t>& bin)
{
    const std::string base = dir.path().toStdString() + "/" + name;
    std::ofstream(base + ".param") << param;
    std::ofstream binFile(base + ".bin", std::ios::binary);
    binFile.write(reinterpret_cast<const char*>(bin.data()), std::streamsize(bin.size()));
    return base + ".param";
}

// "7767517\n<layers> <blobs>\n" + lines.
std::string paramText(const std::vector<std::string>& lines, int blobs)
{
    std::string text = "7767517\n" + std::to_string(lines.size()) + " " + std::to_string(blobs) + "\n";
    for (const std::string& line : lines)
        text += line + "\n";
    return text;
}

at::Tensor runGraph(const QTemporaryDir& dir, const std::string& param, BinWriter& bin, const at::Tensor& x)
{
    const std::string path = writeModel(dir, "g", param, bin.bytes());
    return ncnn::loadGraph(path)->run(x);
}

void expectClose(const at::Tensor& actual, const at::Tensor& expected, double tolerance = 1e-5)
{
    QCOMPARE(actual.sizes().vec(), expected.sizes().vec());
    const double diff = (actual - expected).abs().max().item<double>();
    if (diff > tolerance)
        QFAIL(qPrintable(QString("max abs difference %1 > %2").arg(diff).arg(tolerance)));
}

template <typename F>
ErrorCode errorCodeOf(F&& f, std::string* message = nullptr)
{
    try {
        f();
    } catch (const Error& error) {
        if (message)
            *message = error.what();
        return error.code();
    }
    return ErrorCode::Internal; // nothing thrown: no code to report
}

} // namespace

class TestNcnnGraph : public QObject {
    Q_OBJECT

private slots:
    void init() { at::manual_seed(7); }

    void parsesParamsArraysAndFloats()
    {
        const std::string text = "7767517\n2 2\n"
                                 "Input in 0 1 data 0=8 1=8 2=3\n"
                                 "Convolution c 1 1 data out 0=4 1=3 11=5 2=1 4=-233 18=1.5e+00 9=2 "
                                 "-23310=1,2.000000e-01 6=108\n";
        const ncnn::GraphDesc graph = ncnn::parseParam(text, "t.param");
        QCOMPARE(graph.layers.size(), size_t(2));
        QCOMPARE(graph.blobCount, 2);
        const ncnn::LayerDesc& conv = graph.layers[1];
        QCOMPARE(conv.type, std::string("Convolution"));
        QCOMPARE(conv.inputs, std::vector<std::string>{"data"});
        QCOMPARE(conv.outputs, std::vector<std::string>{"out"});
        QCOMPARE(conv.params.getInt(0, 0), 4);
        QCOMPARE(conv.params.getInt(11, 0), 5);
        QCOMPARE(conv.params.getInt(4, 0), -233);
        QCOMPARE(conv.params.getFloat(18, 0.f), 1.5f);
        QCOMPARE(conv.params.getInt(13, 77), 77); // absent -> default
        QCOMPARE(conv.params.getFloats(10), std::vector<float>{0.2f});
        QVERIFY(!conv.params.has(3));
        // newer ncnn writes arrays as plain comma lists
        const ncnn::GraphDesc modern = ncnn::parseParam("7767517\n1 1\nInput in 0 1 d 9=1,2,3\n", "m");
        QCOMPARE(modern.layers[0].params.getInts(9), (std::vector<int>{1, 2, 3}));
    }

    void malformedParamsAreInvalidModel_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expect");
        QTest::newRow("magic") << "1234\n1 1\nInput in 0 1 data\n" << "magic";
        QTest::newRow("empty") << "" << "empty";
        QTest::newRow("counts") << "7767517\nabc\n" << "layer_count";
        QTest::newRow("missing layers") << "7767517\n3 3\nInput in 0 1 data\n" << "file ends";
        QTest::newRow("short line") << "7767517\n1 1\nInput in 0\n" << "type name";
        QTest::newRow("unknown blob") << "7767517\n1 2\nReLU r 1 1 nowhere out\n" << "nowhere";
        QTest::newRow("twice") << "7767517\n2 1\nInput a 0 1 d\nInput b 0 1 d\n" << "twice";
        QTest::newRow("bad value") << "7767517\n1 1\nInput in 0 1 d 0=1x\n" << "not a number";
        QTest::newRow("array length") << "7767517\n1 1\nInput in 0 1 d -23300=3,1,2\n" << "array says 3";
        QTest::newRow("bad key") << "7767517\n1 1\nInput in 0 1 d 99=1\n" << "out of range";
        QTest::newRow("no equals") << "7767517\n1 1\nInput in 0 1 d 7\n" << "key=value";
    }
    void malformedParamsAreInvalidModel()
    {
        QFETCH(QString, text);
        QFETCH(QString, expect);
        std::string message;
        QCOMPARE(errorCodeOf([&] { ncnn::parseParam(text.toStdString(), "bad.param"); }, &message),
                 ErrorCode::InvalidModel);
        QVERIFY2(message.find(expect.toStdString()) != std::string::npos, message.c_str());
        QVERIFY(message.find("bad.param") != std::string::npos);
    }

    void unknownLayerIsNamed()
    {
        QTemporaryDir dir;
        const std::string path = writeModel(dir, "u", paramText({"Input in 0 1 data", "Frobnicate f0 1 1 data out"}, 2), {});
        std::string message;
        QCOMPARE(errorCodeOf([&] { ncnn::loadGraph(path); }, &message), ErrorCode::UnsupportedModel);
        QVERIFY2(message.find("Frobnicate") != std::string::npos, message.c_str());
        QCOMPARE(errorCodeOf([&] { loadNcnnModel(path); }), ErrorCode::UnsupportedModel);
        QCOMPARE(errorCodeOf([&] { loadUpscaleModel(path); }), ErrorCode::UnsupportedModel);
    }

    void truncatedOrOversizedBinIsInvalidModel()
    {
        QTemporaryDir dir;
        const std::string param = paramText({"Input in 0 1 data", "Convolution c 1 1 data out 0=2 1=3 4=1 5=1 6=54"}, 2);
        BinWriter bin;
        bin.tagged(at::randn({54}));
        bin.raw(at::randn({2}));
        std::vector<uint8_t> whole = bin.bytes();

        std::vector<uint8_t> truncated(whole.begin(), whole.end() - 5);
        std::string message;
        QCOMPARE(errorCodeOf([&] { ncnn::loadGraph(writeModel(dir, "t", param, truncated)); }, &message),
                 ErrorCode::InvalidModel);
        QVERIFY2(message.find("ends early") != std::string::npos, message.c_str());

        std::vector<uint8_t> longer = whole;
        longer.resize(whole.size() + 8, 0);
        QCOMPARE(errorCodeOf([&] { ncnn::loadGraph(writeModel(dir, "l", param, longer)); }), ErrorCode::InvalidModel);

        QCOMPARE(errorCodeOf([&] { ncnn::loadGraph(writeModel(dir, "e", param, {})); }), ErrorCode::InvalidModel);
        QCOMPARE(errorCodeOf([&] { ncnn::loadGraph(dir.path().toStdString() + "/missing.param"); }), ErrorCode::Io);

        // int8 weights are refused by name
        BinWriter int8;
        int8.u32(0x000D4B38);
        int8.bytes().resize(int8.bytes().size() + 56, 1);
        int8.raw(at::randn({2}));
        QCOMPARE(errorCodeOf([&] { ncnn::loadGraph(writeModel(dir, "i", param, int8.bytes())); }),
                 ErrorCode::UnsupportedModel);
    }

    void convolutionWithPaddingStrideAndLeakyRelu()
    {
        QTemporaryDir dir;
        const at::Tensor w = at::randn({4, 3, 3, 5});
        const at::Tensor b = at::randn({4});
        BinWriter bin;
        bin.tagged(w);
        bin.raw(b);
        // kernel 5 wide, 3 high; stride 2 x 1; pads l1 r2 t1 b0 with value 0.5
        const std::string param = paramText({"Input in 0 1 data",
                                             "Convolution c 1 1 data out 0=4 1=5 11=3 3=2 13=1 4=1 15=2 14=1 16=0 "
                                             "18=0.5 5=1 6=180 9=2 -23310=1,0.1"},
                                            2);
        const at::Tensor x = at::randn({2, 3, 9, 11});
        const at::Tensor padded = at::constant_pad_nd(x, {1, 2, 1, 0}, 0.5);
        const at::Tensor expected = at::leaky_relu(at::conv2d(padded, w, b, {1, 2}), 0.1);
        expectClose(runGraph(dir, param, bin, x), expected);
    }

    // A Convolution read only by the PReLU after it becomes one layer with the
    // PReLU as its epilogue; read by another layer too, it stays two. Both give
    // prelu(conv(x) + b), per channel and with one shared slope.
    void convolutionAndPReluBecomeOneLayer()
    {
        QTemporaryDir dir;
        const at::Tensor w = at::randn({4, 3, 3, 3});
        const at::Tensor b = at::randn({4});
        const at::Tensor x = at::randn({2, 3, 7, 9});
        for (const at::Tensor& slopes : {at::linspace(-0.3, 0.6, 4), at::full({1}, 0.25)}) {
            BinWriter bin;
            bin.tagged(w);
            bin.raw(b);
            bin.raw(slopes);
            const std::string slopeCount = std::to_string(slopes.numel());
            const std::string fusedParam = paramText({"Input in 0 1 data", "Convolution c 1 1 data y 0=4 1=3 4=1 5=1 6=108",
                                                      "PReLU p 1 1 y out 0=" + slopeCount},
                                                     3);
            const std::string fused = writeModel(dir, "fused", fusedParam, bin.bytes());
            // The convolution's output also goes to an Eltwise sum: no fusion.
            const std::string splitParam = paramText({"Input in 0 1 data", "Convolution c 1 1 data y 0=4 1=3 4=1 5=1 6=108",
                                                      "Split s 1 2 y y0 y1", "PReLU p 1 1 y0 z 0=" + slopeCount,
                                                      "Eltwise e 2 1 z y1 out 0=1"},
                                                     6);
            const std::string split = writeModel(dir, "split", splitParam, bin.bytes());
            const at::Tensor y = at::conv2d(x, w, b, 1, 1);
            const at::Tensor expected = at::prelu(y, slopes);
            const auto fusedGraph = ncnn::loadGraph(fused);
            QCOMPARE(int(fusedGraph->nodes().size()), 2); // Input, Convolution+PReLU
            QCOMPARE(fusedGraph->nodes()[1].layer->name(), std::string("c+p"));
            expectClose(fusedGraph->run(x), expected);
            const auto splitGraph = ncnn::loadGraph(split);
            QCOMPARE(int(splitGraph->nodes().size()), 5);
            expectClose(splitGraph->run(x), expected + y);
        }
    }

    void convolutionFp16WeightsAndSamePadding()
    {
        QTemporaryDir dir;
        const at::Tensor w = at::randn({2, 3, 3, 3});
        BinWriter bin;
        bin.taggedHalf(w);
        const std::string param = paramText({"Input in 0 1 data", "Convolution c 1 1 data out 0=2 1=3 3=2 4=-233 6=54 9=1"}, 2);
        const at::Tensor x = at::randn({1, 3, 8, 8});
        // SAME_UPPER for k3 s2 on 8: total pad 1, all of it on the right/bottom
        const at::Tensor wHalf = w.to(at::kHalf).to(at::kFloat);
        const at::Tensor expected = at::relu(at::conv2d(at::constant_pad_nd(x, {0, 1, 0, 1}, 0.0), wHalf, {}, {2, 2}));
        expectClose(runGraph(dir, param, bin, x), expected);
    }

    void depthwiseConvolutionAndDilation()
    {
        QTemporaryDir dir;
        const at::Tensor w = at::randn({6, 2, 3, 3}); // 3 groups of 2 in -> 2 out
        const at::Tensor b = at::randn({6});
        BinWriter bin;
        bin.tagged(w);
        bin.raw(b);
        const std::string param = paramText(
            {"Input in 0 1 data", "ConvolutionDepthWise c 1 1 data out 0=6 1=3 2=2 4=2 5=1 6=108 7=3 9=4"}, 2);
        const at::Tensor x = at::randn({1, 6, 10, 10});
        const at::Tensor expected = at::sigmoid(at::conv2d(x, w, b, {1, 1}, {2, 2}, {2, 2}, 3));
        expectClose(runGraph(dir, param, bin, x), expected);
    }

    void deconvolutionWithPadAndOutputPad()
    {
        QTemporaryDir dir;
        // ncnn stores [out][in][kh][kw]; torch's transposed conv wants [in][out][kh][kw]
        const at::Tensor wNcnn = at::randn({3, 4, 4, 4});
        const at::Tensor b = at::randn({3});
        BinWriter bin;
        bin.tagged(wNcnn);
        bin.raw(b);
        const std::string param = paramText({"Input in 0 1 data",
                                             "Deconvolution d 1 1 data out 0=3 1=4 3=2 4=1 5=1 6=192 18=1"},
                                            2);
        const at::Tensor x = at::randn({1, 4, 5, 6});
        const at::Tensor full = at::conv_transpose2d(x, wNcnn.transpose(0, 1), b, {2, 2}, {0, 0}, {0, 0});
        // output pad adds a row/column holding only the bias, then pad 1 is cut on every side
        at::Tensor expected = at::constant_pad_nd(full, {0, 1, 0, 1}, 0.0);
        expected.narrow(3, full.size(3), 1).add_(b.view({1, 3, 1, 1}));
        expected.narrow(2, full.size(2), 1).narrow(3, 0, full.size(3)).add_(b.view({1, 3, 1, 1}));
        expected = expected.narrow(2, 1, expected.size(2) - 2).narrow(3, 1, expected.size(3) - 2);
        expectClose(runGraph(dir, param, bin, x), expected);
    }

    void depthwiseDeconvolution()
    {
        QTemporaryDir dir;
        // 2 groups, 2 in and 3 out per group: ncnn [group][out/g][in/g][kh][kw]
        const at::Tensor wNcnn = at::randn({2, 3, 2, 2, 2});
        BinWriter bin;
        bin.tagged(wNcnn);
        const std::string param = paramText(
            {"Input in 0 1 data", "DeconvolutionDepthWise d 1 1 data out 0=6 1=2 3=2 6=48 7=2"}, 2);
        const at::Tensor x = at::randn({1, 4, 3, 3});
        const at::Tensor wTorch = wNcnn.transpose(1, 2).reshape({4, 3, 2, 2});
        const at::Tensor expected = at::conv_transpose2d(x, wTorch, {}, {2, 2}, {0, 0}, {0, 0}, 2);
        expectClose(runGraph(dir, param, bin, x), expected);
    }

    void activations()
    {
        QTemporaryDir dir;
        const at::Tensor slope = at::rand({3});
        BinWriter bin;
        bin.raw(slope);
        const std::string param = paramText({"Input in 0 1 data", "Split s 1 3 data a b c", "PReLU p 1 1 a pa 0=3",
                                             "ReLU r 1 1 b rb 0=0.25", "Sigmoid g 1 1 c gc",
                                             "Concat cat 3 1 pa rb gc out 0=0"},
                                            8);
        const at::Tensor x = at::randn({2, 3, 4, 5});
        const at::Tensor expected = at::cat({at::where(x > 0, x, x * slope.view({1, 3, 1, 1})),
                                             at::where(x > 0, x, x * 0.25), at::sigmoid(x)},
                                            1);
        expectClose(runGraph(dir, param, bin, x), expected);
    }

    void interpolation()
    {
        QTemporaryDir dir;
        BinWriter bin;
        const std::string param = paramText({"Input in 0 1 data", "Split s 1 3 data a b c",
                                             "Interp n 1 1 a na 0=1 1=2.0 2=2.0",
                                             "Interp l 1 1 b lb 0=2 3=8 4=10",
                                             "Interp q 1 1 c qc 0=3 3=8 4=10 6=1",
                                             "Concat cat 2 1 lb qc lq 0=0",
                                             "Concat cat2 2 1 na lq out 0=0"},
                                            10);
        const at::Tensor x = at::randn({1, 2, 4, 5});
        const at::Tensor nearest = x.repeat_interleave(2, 2).repeat_interleave(2, 3);
        const at::Tensor bilinear = at::upsample_bilinear2d(x, {8, 10}, false);
        const at::Tensor bicubic = at::upsample_bicubic2d(x, {8, 10}, true);
        const at::Tensor expected = at::cat({nearest, bilinear, bicubic}, 1);
        expectClose(runGraph(dir, param, bin, x), expected);
    }

    void pixelShuffleModes()
    {
        QTemporaryDir dir;
        BinWriter bin;
        const std::string param = paramText({"Input in 0 1 data", "Split s 1 2 data a b", "PixelShuffle p0 1 1 a pa 0=2",
                                             "PixelShuffle p1 1 1 b pb 0=2 1=1", "Concat c 2 1 pa pb out"},
                                            6);
        const at::Tensor x = at::randn({1, 8, 3, 4});
        // mode 1 orders channels (sh, sw, c): move c first, then it is mode 0
        const at::Tensor mode1 = at::pixel_shuffle(x.reshape({1, 4, 2, 3, 4}).transpose(1, 2).reshape({1, 8, 3, 4}), 2);
        expectClose(runGraph(dir, param, bin, x), at::cat({at::pixel_shuffle(x, 2), mode1}, 1));
    }

    void pixelShuffleWithUpsampledInputIsOneLayer_data()
    {
        QTest::addColumn<QString>("order");
        QTest::addColumn<bool>("fused");
        // SRVGG's tail as the converter writes it, the Interp first, and with
        // the shuffled blob also read elsewhere (through a Split: then the
        // layers stay as they are).
        QTest::newRow("shuffle, interp, add") << "si" << true;
        QTest::newRow("interp, shuffle, add") << "is" << true;
        QTest::newRow("shuffle read twice") << "s2" << false;
    }

    void pixelShuffleWithUpsampledInputIsOneLayer()
    {
        QFETCH(QString, order);
        QFETCH(bool, fused);
        QTemporaryDir dir;
        BinWriter bin;
        // a: the 3-channel input four times (12 channels), shuffled by 2; b: the input, upsampled by 2.
        std::vector<std::string> lines{"Input in 0 1 data", "Split s 1 5 data a1 a2 a3 a4 b",
                                       "Concat cat 4 1 a1 a2 a3 a4 a"};
        const std::string shuffle = "PixelShuffle ps 1 1 a pa 0=2";
        const std::string interp = "Interp up 1 1 b ub 0=1 1=2.000000e+00 2=2.000000e+00";
        lines.push_back(order == "is" ? interp : shuffle);
        lines.push_back(order == "is" ? shuffle : interp);
        if (order == "s2")
            lines.push_back("Split sp 1 2 pa pa1 pa2");
        lines.push_back(std::string("BinaryOp add 2 1 ") + (order == "is" ? "ub pa" : order == "s2" ? "pa1 ub" : "pa ub")
                        + " sum 0=0");
        if (order == "s2")
            lines.push_back("BinaryOp twice 2 1 sum pa2 out 0=0");
        const std::string param = paramText(lines, order == "s2" ? 13 : 10);
        const auto graph = ncnn::loadGraph(writeModel(dir, "tail", param, bin.bytes()));
        bool seen = false;
        for (const auto& node : graph->nodes())
            seen |= node.layer->name() == "ps+up+add";
        QCOMPARE(seen, fused);

        const at::Tensor x = at::randn({2, 3, 5, 7});
        const at::Tensor shuffled = at::pixel_shuffle(at::cat({x, x, x, x}, 1), 2);
        at::Tensor expected = shuffled + at::upsample_nearest2d(x, {10, 14}, 2.0, 2.0);
        if (order == "s2")
            expected = expected + shuffled;
        QVERIFY(at::equal(graph->run(x), expected));
        QCOMPARE(graph->receptiveRadius(), 0.0);
    }

    void squeezeExcitationBroadcast()
    {
        // Real-CUGAN / cunet's SE block: global average pool -> two inner
        // products -> BinaryOp mul of [C, H, W] by [C]; also Scale with a blob.
        QTemporaryDir dir;
        const at::Tensor w1 = at::randn({2, 4}), b1 = at::randn({2}), w2 = at::randn({4, 2}), b2 = at::randn({4});
        BinWriter bin;
        bin.tagged(w1);
        bin.raw(b1);
        bin.tagged(w2);
        bin.raw(b2);
        const std::string param = paramText({"Input in 0 1 data", "Split s 1 3 data a b c", "Pooling gap 1 1 a g 0=1 4=1",
                                             "InnerProduct f1 1 1 g h 0=2 1=1 2=8 9=1",
                                             "InnerProduct f2 1 1 h k 0=4 1=1 2=8 9=4", "Split s2 1 2 k k1 k2",
                                             "BinaryOp m 2 1 b k1 y 0=2", "Scale sc 2 1 c k2 z 0=-233",
                                             "Eltwise e 2 1 y z out 0=1 -23301=2,1.0,-0.5"},
                                            12);
        const at::Tensor x = at::randn({2, 4, 5, 6});
        const at::Tensor gate = at::sigmoid(at::linear(at::relu(at::linear(x.mean({2, 3}), w1, b1)), w2, b2));
        const at::Tensor y = x * gate.view({2, 4, 1, 1});
        expectClose(runGraph(dir, param, bin, x), y - 0.5 * y);
    }

    void binaryOpBroadcastAndScalar()
    {
        QTemporaryDir dir;
        BinWriter bin;
        const std::string param = paramText({"Input in 0 1 data", "Split s 1 3 data a b c",
                                             "Pooling gap 1 1 a g 0=0 4=1", "BinaryOp sub 2 1 b g d 0=7",
                                             "BinaryOp p 1 1 c e 0=3 1=1 2=4.0", "BinaryOp mx 2 1 d e out 0=4"},
                                            8);
        const at::Tensor x = at::randn({1, 3, 4, 4});
        const at::Tensor gmax = std::get<0>(x.flatten(2).max(2)).view({1, 3, 1, 1});
        expectClose(runGraph(dir, param, bin, x), at::maximum(gmax - x, x / 4));
    }

    void cropVariants()
    {
        QTemporaryDir dir;
        BinWriter bin;
        // numpy-style starts/ends/axes and offsets from both ends crop alike
        const std::string param = paramText(
            {"Input in 0 1 data", "Split s 1 2 data a b",
             "Crop np 1 1 a na -23309=2,4,3 -23310=2,-4,-3 -23311=2,-2,-1",
             "Crop off 1 1 b nb 0=3 1=4 6=3 7=4", "Concat cat 2 1 na nb out 0=0"},
            6);
        const at::Tensor x = at::randn({1, 4, 14, 12});
        const at::Tensor inner = x.narrow(2, 4, 6).narrow(3, 3, 6);
        expectClose(runGraph(dir, param, bin, x), at::cat({inner, inner}, 1));

        // a reference blob gives the size; then a channel range
        const std::string param2 = paramText(
            {"Input in 0 1 data", "Split s 1 2 data c r", "Interp down 1 1 r rs 0=1 1=0.5 2=0.5",
             "Crop ref 2 1 c rs nc 0=3 1=4", "Crop ch 1 1 nc out -23309=1,1 -23310=1,3 -23311=1,0"},
            7);
        const at::Tensor y = ncnn::loadGraph(writeModel(dir, "crop2", param2, {}))->run(x);
        expectClose(y, x.narrow(1, 1, 2).narrow(2, 4, 7).narrow(3, 3, 6));

        // a crop outside the blob is a clean error naming the layer
        std::string message;
        QCOMPARE(errorCodeOf([&] { ncnn::loadGraph(writeModel(dir, "crop2", param2, {}))->run(at::randn({1, 4, 6, 6})); },
                             &message),
                 ErrorCode::InvalidArgument);
        QVERIFY2(message.find("ref") != std::string::npos, message.c_str());
    }

    void padding()
    {
        QTemporaryDir dir;
        BinWriter bin;
        const std::string param = paramText(
            {"Input in 0 1 data", "Split s 1 3 data a b c", "Padding pr 1 1 a pa 0=1 1=2 2=3 3=0 4=2",
             "Padding pc 1 1 b pb 0=1 1=2 2=3 3=0 4=0 5=0.75", "Padding pe 1 1 c pc 0=1 1=2 2=3 3=0 4=1",
             "Concat cat 3 1 pa pb pc out 0=0"},
            8);
        const at::Tensor x = at::randn({1, 2, 5, 6});
        const std::vector<int64_t> pads{3, 0, 1, 2}; // left, right, top, bottom
        expectClose(runGraph(dir, param, bin, x),
                    at::cat({at::reflection_pad2d(x, pads), at::constant_pad_nd(x, pads, 0.75),
                             at::replication_pad2d(x, pads)},
                            1));
    }

    void pooling()
    {
        QTemporaryDir dir;
        BinWriter bin;
        const std::string param = paramText({"Input in 0 1 data", "Split s 1 2 data a b",
                                             "Pooling mx 1 1 a m 0=0 1=2 2=2", "Pooling av 1 1 b v 0=1 1=3 2=2 3=1",
                                             "Concat cat 2 1 m v out 0=0"},
                                            6);
        const at::Tensor x = at::randn({1, 2, 5, 7});
        // max, "full padding": the last partial window is kept (ceil mode)
        const at::Tensor mx = at::max_pool2d(x, {2, 2}, {2, 2}, {0, 0}, {1, 1}, true);
        // average k3 s2 pad 1: ncnn divides by the pixels inside the blob
        const at::Tensor sum = at::avg_pool2d(at::constant_pad_nd(x, {1, 1, 1, 1}, 0.0), {3, 3}, {2, 2});
        const at::Tensor count = at::avg_pool2d(at::constant_pad_nd(at::ones({1, 1, 5, 7}), {1, 1, 1, 1}, 0.0), {3, 3}, {2, 2});
        QCOMPARE(mx.sizes().vec(), sum.sizes().vec());
        expectClose(runGraph(dir, param, bin, x), at::cat({mx, sum / count}, 1));
    }

    void reshapeAndInnerProduct()
    {
        QTemporaryDir dir;
        const at::Tensor w = at::randn({5, 24});
        BinWriter bin;
        bin.taggedHalf(w);
        const std::string param = paramText({"Input in 0 1 data", "Reshape r 1 1 data f 0=12 1=2",
                                             "InnerProduct fc 1 1 f g 0=5 2=120",
                                             "Reshape r2 1 1 g out 0=-1"},
                                            4);
        // a 2-d blob of rows of 12 does not match 24 inputs: the product flattens it
        const at::Tensor x = at::randn({2, 2, 3, 4});
        const at::Tensor expected = at::linear(x.reshape({2, 24}), w.to(at::kHalf).to(at::kFloat));
        expectClose(runGraph(dir, param, bin, x), expected, 1e-4);
    }

    void shrinkingGraphIsPaddedByTheModel()
    {
        // Two unpadded 3x3 convolutions then nearest 2x: out = 2 * (in - 4),
        // so the model pre-pads 2 px per side and reports a plain 2x model.
        QTemporaryDir dir;
        const at::Tensor w1 = at::randn({4, 3, 3, 3}), w2 = at::randn({3, 4, 3, 3});
        BinWriter bin;
        bin.tagged(w1);
        bin.tagged(w2);
        const std::string param = paramText({"Input in 0 1 data", "Convolution c1 1 1 data a 0=4 1=3 6=108 9=1",
                                             "Convolution c2 1 1 a b 0=3 1=3 6=108",
                                             "Interp up 1 1 b out 0=1 1=2.0 2=2.0"},
                                            4);
        auto model = loadNcnnModel(writeModel(dir, "shrink", param, bin.bytes()));
        QCOMPARE(model->info().scale, 2);
        QCOMPARE(model->info().inputMultiple, 1);
        QCOMPARE(model->info().receptiveRadius, 2);
        QCOMPARE(model->info().outChannels, 3);
        QCOMPARE(model->info().parameterCount, int64_t(216));
        model->to(DeviceSpec{}, Precision::Fp32);
        const at::Tensor x = at::rand({1, 3, 7, 9});
        const at::Tensor padded = at::replication_pad2d(x, {2, 2, 2, 2});
        const at::Tensor expected =
            at::upsample_nearest2d(at::conv2d(at::relu(at::conv2d(padded, w1)), w2), {14, 18}, 2.0, 2.0);
        expectClose(model->forward(x), expected);
        QCOMPARE(errorCodeOf([&] { model->forward(at::rand({1, 4, 8, 8})); }), ErrorCode::InvalidArgument);
    }

    void stridedGraphGetsRoundedUp()
    {
        // stride-2 conv + 4x pixel shuffle: a 2x model that needs even sizes;
        // forward rounds odd sizes up and crops.
        QTemporaryDir dir;
        const at::Tensor w = at::randn({48, 3, 3, 3});
        BinWriter bin;
        bin.tagged(w);
        const std::string param = paramText({"Input in 0 1 data", "Convolution c 1 1 data a 0=48 1=3 3=2 4=1 6=1296",
                                             "PixelShuffle ps 1 1 a out 0=4"},
                                            3);
        auto model = loadNcnnModel(writeModel(dir, "strided", param, bin.bytes()));
        QCOMPARE(model->info().scale, 2);
        const at::Tensor x = at::rand({1, 3, 7, 6});
        const at::Tensor y = model->forward(x);
        QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{1, 3, 14, 12}));
        const at::Tensor expected = at::pixel_shuffle(
            at::conv2d(at::replication_pad2d(x, {0, 0, 0, 1}), w, {}, {2, 2}, {1, 1}), 4).narrow(2, 0, 14);
        expectClose(y, expected);
    }
};

QTEST_GUILESS_MAIN(TestNcnnGraph)
#include "tst_ncnn_graph.moc"

// GroupNorm from torch's generic reductions (used on CUDA where torch's own
// kernel runs few long rows) equals at::group_norm: fp32 to float rounding,
// bf16 within the 16-bit output's rounding, on activations with a large
// offset per channel (where a naive E[x²] - E[x]² in the input's precision
// would fail) and on any rank [N, C, *].

// LibTorch headers before Qt's (Qt's "slots" macro breaks torch/nn).
#include "diffusion/nn/group_norm.h"

#include <c10/core/InferenceMode.h>

#include <QtTest>

using namespace tessera::sd;

namespace {

struct Case {
    at::Tensor x, weight, bias;
};

// x: [N, C, H, W] with a per-channel offset `offset` times the spread.
Case activations(std::vector<int64_t> shape, double offset, at::ScalarType dtype)
{
    at::manual_seed(7);
    const int64_t channels = shape[1];
    std::vector<int64_t> perChannel(shape.size(), 1);
    perChannel[1] = channels;
    const at::Tensor x = at::randn(shape) * 0.5 + at::randn(perChannel) * offset;
    return {x.to(dtype), (at::rand({channels}) + 0.5).to(dtype), at::randn({channels}).to(dtype)};
}

double maxDifference(const at::Tensor& a, const at::Tensor& b)
{
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

} // namespace

class TestGroupNorm : public QObject {
    Q_OBJECT

private slots:
    void equalsTorchInFp32()
    {
        c10::InferenceMode inference;
        for (const double offset : {0.0, 20.0}) {
            const Case c = activations({2, 64, 24, 40}, offset, at::kFloat);
            const at::Tensor expected = at::group_norm(c.x, 32, c.weight, c.bias, 1e-5);
            const at::Tensor ours = groupNormByWideReductions(c.x, 32, c.weight, c.bias, 1e-5);
            QCOMPARE(ours.sizes(), expected.sizes());
            QCOMPARE(ours.scalar_type(), at::kFloat);
            QVERIFY2(maxDifference(ours, expected) < 2e-5, qPrintable(QString::number(maxDifference(ours, expected))));
        }
    }

    void bf16StaysWithinItsRounding()
    {
        c10::InferenceMode inference;
        // The reference: torch's group_norm in fp32 of the very bf16 values.
        for (const double offset : {0.0, 20.0}) {
            const Case c = activations({2, 64, 24, 40}, offset, at::kBFloat16);
            const at::Tensor expected = at::group_norm(c.x.to(at::kFloat), 32, c.weight.to(at::kFloat),
                                                       c.bias.to(at::kFloat), 1e-5);
            const at::Tensor ours = groupNormByWideReductions(c.x, 32, c.weight, c.bias, 1e-5);
            QCOMPARE(ours.scalar_type(), at::kBFloat16);
            // Outputs lie within about |y| <= 6; bf16 keeps 8 bits: a step of 2^-5 there.
            // Offsets 40x the spread round each input by up to 40 x 2^-8 of a spread.
            // No worse than torch's own bf16 kernel on the same values.
            const double limit = offset == 0.0 ? 0.04 : 0.2; // measured: 0.029 and 0.132
            QVERIFY2(maxDifference(ours, expected) < limit, qPrintable(QString::number(maxDifference(ours, expected))));
            const at::Tensor torchOwn = at::group_norm(c.x, 32, c.weight, c.bias, 1e-5);
            QVERIFY(maxDifference(ours, expected) <= maxDifference(torchOwn, expected)); // torch: 0.058 and 0.291
        }
    }

    void anyRankAndGroupCount()
    {
        c10::InferenceMode inference;
        const Case c = activations({1, 12, 30}, 3.0, at::kFloat); // [N, C, L]
        QVERIFY(maxDifference(groupNormByWideReductions(c.x, 4, c.weight, c.bias, 1e-6),
                              at::group_norm(c.x, 4, c.weight, c.bias, 1e-6)) < 2e-5);
    }

    void onlyCudaTakesThisPath()
    {
        // The CPU's group_norm is vectorised over channels and stays.
        QVERIFY(!groupNormRowsAreFewAndLong(at::zeros({1, 128, 512, 512}), 32));
    }
};

QTEST_APPLESS_MAIN(TestGroupNorm)
#include "tst_group_norm.moc"

// The Brownian-tree noise sampler: bit-for-bit equality with torchsde's
// BrownianTree behind ComfyUI's BrownianTreeNoiseSampler
// (tests/data/sampling/brownian_reference.safetensors, made by
// scripts/sampling_reference/make_brownian_fixture.py) for the query
// sequences real samplers make, and the properties of Brownian noise on a
// full-size latent: increments add up, unit variance, independent steps.

#include "common/error.h"
#include "diffusion/sampling/brownian_tree.h"
#include "models/loaders/weight_store.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "support/error_checks.h"

#include <QtTest>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

using namespace tessera;
using namespace tessera::sd;

namespace {

const WeightStore& brownianReference()
{
    static const std::unique_ptr<WeightStore> store
        = openWeightStore(std::string(TESSERA_SAMPLING_FIXTURES) + "/brownian_reference.safetensors");
    return *store;
}

/// The fixture's sequence names ("karras10.seed42", ...).
std::vector<std::string> referenceSequences()
{
    const std::string suffix = ".noise";
    std::vector<std::string> names;
    for (const std::string& key : brownianReference().keys())
        if (key.size() > suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0)
            names.push_back(key.substr(0, key.size() - suffix.size()));
    return names;
}

uint64_t seedOf(const std::string& sequence)
{
    return std::stoull(sequence.substr(sequence.rfind(".seed") + 5));
}

/// x(a, b) sqrt|b - a|: the Brownian increment behind a step's noise.
at::Tensor increment(const NoiseSampler& noise, double a, double b)
{
    return noise(a, b).to(at::kDouble) * std::sqrt(std::fabs(b - a));
}

double correlation(const at::Tensor& a, const at::Tensor& b)
{
    const at::Tensor x = a.to(at::kDouble).flatten() - a.to(at::kDouble).mean();
    const at::Tensor y = b.to(at::kDouble).flatten() - b.to(at::kDouble).mean();
    return ((x * y).sum() / (x.norm() * y.norm())).item<double>();
}

at::Tensor fullSizeLatent()
{
    return at::zeros({1, 4, 128, 128}); // a 1024 x 1024 image
}

} // namespace

class TestBrownianTree : public QObject {
    Q_OBJECT

private slots:
    void equalsTorchsdeBitForBit_data()
    {
        QTest::addColumn<QString>("sequence");
        QTest::addColumn<bool>("treeOnCpu");
        const std::vector<std::string> sequences = referenceSequences();
        QVERIFY(sequences.size() >= 7);
        for (const std::string& sequence : sequences)
            for (bool treeOnCpu : {true, false})
                QTest::newRow((sequence + (treeOnCpu ? " cpu" : " gpu-variant")).c_str())
                    << QString::fromStdString(sequence) << treeOnCpu;
    }

    void equalsTorchsdeBitForBit()
    {
        QFETCH(QString, sequence);
        QFETCH(bool, treeOnCpu);
        c10::InferenceMode guard;
        const std::string name = sequence.toStdString();
        const at::Tensor range = brownianReference().read(name + ".range");
        const at::Tensor queries = brownianReference().read(name + ".queries");
        const at::Tensor expected = brownianReference().read(name + ".noise");
        const at::Tensor like = at::zeros(expected.sizes().slice(1));

        const NoiseSampler noise
            = brownianTreeNoiseSampler(like, range[0].item<double>(), range[1].item<double>(), seedOf(name), treeOnCpu);
        for (int64_t i = 0; i < queries.size(0); ++i) {
            const at::Tensor ours = noise(queries[i][0].item<double>(), queries[i][1].item<double>());
            QCOMPARE(ours.scalar_type(), at::kFloat);
            QVERIFY2(at::equal(ours, expected[i]),
                     qPrintable(QString("query %1: max |ours - torchsde| = %2")
                                    .arg(i)
                                    .arg((ours - expected[i]).abs().max().item<double>())));
        }
    }

    void sameSeedSameNumbersOtherSeedOthers()
    {
        c10::InferenceMode guard;
        const at::Tensor like = at::zeros({2, 4, 8, 8});
        const NoiseSampler first = brownianTreeNoiseSampler(like, 0.03, 14.6, 7, true);
        const NoiseSampler again = brownianTreeNoiseSampler(like, 0.03, 14.6, 7, true);
        const NoiseSampler other = brownianTreeNoiseSampler(like, 0.03, 14.6, 8, true);
        const at::Tensor a = first(5.0, 3.0);
        QVERIFY(at::equal(a, again(5.0, 3.0)));
        QVERIFY(at::equal(a, first(5.0, 3.0))); // a query does not consume the stream
        QVERIFY(std::fabs(correlation(a, other(5.0, 3.0))) < 0.25);
        // The other direction is the same increment, negated.
        QVERIFY(at::equal(first(3.0, 5.0), -a));
    }

    void incrementsAddUp()
    {
        c10::InferenceMode guard;
        // W(a, c) = W(a, b) + W(b, c), whichever is queried first.
        const NoiseSampler noise = brownianTreeNoiseSampler(fullSizeLatent(), 0.0292, 14.6146, 42, true);
        const double a = 9.7, b = 2.3, c = 0.61;
        const at::Tensor parts = increment(noise, a, b) + increment(noise, b, c);
        const at::Tensor whole = increment(noise, a, c);
        // Equal up to fp32 rounding of the sums (torchsde's too).
        const double error = ((parts - whole).abs().max() / whole.abs().max()).item<double>();
        qInfo("max |W(a,b) + W(b,c) - W(a,c)| / max |W(a,c)| = %.3g", error);
        QVERIFY(error < 2e-6);
    }

    void unitVarianceAndIndependentSteps()
    {
        c10::InferenceMode guard;
        const at::Tensor like = fullSizeLatent();
        const double elements = double(like.numel());
        const NoiseSampler noise = brownianTreeNoiseSampler(like, 0.0292, 14.6146, 1234, true);
        // dpmpp_2m_sde's queries on a 25-step karras-like geometric schedule.
        std::vector<double> sigmas;
        for (int i = 0; i < 25; ++i)
            sigmas.push_back(14.6146 * std::pow(0.0292 / 14.6146, i / 24.0));
        std::vector<at::Tensor> steps;
        for (size_t i = 0; i + 1 < sigmas.size(); ++i)
            steps.push_back(noise(sigmas[i], sigmas[i + 1]));

        const double meanBound = 5.0 / std::sqrt(elements); // 5 standard errors
        const double varianceBound = 5.0 * std::sqrt(2.0 / elements); // of the sample variance
        const double correlationBound = 5.0 / std::sqrt(elements);
        for (size_t i = 0; i < steps.size(); ++i) {
            QCOMPARE(steps[i].sizes(), like.sizes());
            QVERIFY2(std::fabs(steps[i].mean().item<double>()) < meanBound, qPrintable(QString("step %1").arg(i)));
            QVERIFY2(std::fabs(steps[i].var().item<double>() - 1.0) < varianceBound,
                     qPrintable(QString("step %1 variance %2").arg(i).arg(steps[i].var().item<double>())));
            if (i > 0)
                QVERIFY2(std::fabs(correlation(steps[i - 1], steps[i])) < correlationBound,
                         qPrintable(QString("steps %1, %2").arg(i - 1).arg(i)));
        }
        // A step and a sub-step of it are correlated by sqrt(sub / whole) (Brownian
        // bridge).
        const at::Tensor half = noise(sigmas[3], 0.5 * (sigmas[3] + sigmas[4]));
        const double expected = std::sqrt(0.5);
        QVERIFY(std::fabs(correlation(half, steps[3]) - expected) < correlationBound);
    }

    void followsTheLatentsDtype()
    {
        c10::InferenceMode guard;
        const at::Tensor like = at::zeros({1, 4, 16, 16}, at::kDouble);
        const at::Tensor noise = brownianTreeNoiseSampler(like, 0.0292, 14.6146, 3, true)(14.0, 7.0);
        QCOMPARE(noise.scalar_type(), at::kDouble);
        QCOMPARE(noise.sizes(), like.sizes());
    }

    void refusesQueriesFinerThanTheTree()
    {
        c10::InferenceMode guard;
        const NoiseSampler noise = brownianTreeNoiseSampler(at::zeros({1, 4, 8, 8}), 0.0292, 14.6146, 3, true);
        TESSERA_VERIFY_ERROR(noise(1.0000001, 1.0000002), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(brownianTreeNoiseSampler(at::zeros({1}), 0.0292, std::nan(""), 3, true),
                             ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestBrownianTree)
#include "tst_brownian_tree.moc"

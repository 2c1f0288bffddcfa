// The schedulers: every one against ComfyUI's calculate_sigmas for every
// fixture step count, the closed forms of karras, exponential and simple, the
// shape every schedule shares (descending, ending in 0, starting at sigma max
// where ComfyUI's does), the incomplete beta function behind "beta" against
// its closed forms and scipy, and the refusals.

#include "common/error.h"
#include "diffusion/sampling/discrete_schedule.h"
#include "diffusion/sampling/schedulers.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "core/diffusion/sampling/sampling_reference.h"
#include "support/error_checks.h"

#include <QtTest>

#include <cmath>
#include <set>

using namespace tessera;
using namespace tessera::sd;

namespace {

const DiscreteSchedule& schedule()
{
    static const DiscreteSchedule s = DiscreteSchedule::stableDiffusion();
    return s;
}

/// [n] fp64 values of f(i), i = 0..n-1, then 0.
template <typename F>
at::Tensor closedForm(int steps, F f)
{
    at::Tensor out = at::zeros({steps + 1}, at::kDouble);
    for (int i = 0; i < steps; ++i)
        out[i] = f(i);
    return out;
}

/// i / (n - 1), 0 for n = 1 (torch.linspace(a, b, 1) is [a]).
double ramp(int i, int steps)
{
    return steps == 1 ? 0.0 : double(i) / (steps - 1);
}

} // namespace

class SchedulersTest : public QObject {
    Q_OBJECT

private slots:
    void matchesComfyUi_data();
    void matchesComfyUi();
    void karrasClosedForm();
    void exponentialClosedForm();
    void simpleClosedForm();
    void schedulesDescendToZero();
    void incompleteBetaClosedForms();
    void betaQuantileMatchesScipy();
    void refusals();
};

void SchedulersTest::matchesComfyUi_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("steps");
    const nlohmann::json& meta = test::samplingMetadata();
    for (const std::string name : meta.at("schedulers"))
        for (const int steps : meta.at("step_counts"))
            QTest::newRow((name + "." + std::to_string(steps)).c_str()) << QString::fromStdString(name) << steps;
}

void SchedulersTest::matchesComfyUi()
{
    c10::InferenceMode guard;
    QFETCH(QString, name);
    QFETCH(int, steps);
    const std::string key = "scheduler." + name.toStdString() + "." + std::to_string(steps);
    const at::Tensor ours = schedulerSigmas(name.toStdString(), schedule(), steps);
    const at::Tensor theirs = test::samplingReference(key);
    QCOMPARE(ours.scalar_type(), at::kFloat);
    TESSERA_COMPARE_TO_REFERENCE(ours, theirs, 1e-6);
    qInfo("%s: relative error %.3g", key.c_str(), test::relativeError(ours, theirs));
}

void SchedulersTest::karrasClosedForm()
{
    c10::InferenceMode guard;
    const double lo = schedule().sigmaMin(), hi = schedule().sigmaMax();
    for (int steps : {1, 2, 7, 30}) {
        const at::Tensor expected = closedForm(steps, [&](int i) {
            return std::pow(std::pow(hi, 1 / 7.0) + ramp(i, steps) * (std::pow(lo, 1 / 7.0) - std::pow(hi, 1 / 7.0)), 7.0);
        });
        TESSERA_COMPARE_TO_REFERENCE(karrasSigmas(steps, lo, hi), expected, 1e-6);
    }
}

void SchedulersTest::exponentialClosedForm()
{
    c10::InferenceMode guard;
    const double lo = schedule().sigmaMin(), hi = schedule().sigmaMax();
    for (int steps : {1, 2, 7, 30}) {
        const at::Tensor expected = closedForm(
            steps, [&](int i) { return std::exp(std::log(hi) + ramp(i, steps) * (std::log(lo) - std::log(hi))); });
        TESSERA_COMPARE_TO_REFERENCE(exponentialSigmas(steps, lo, hi), expected, 1e-6);
    }
}

void SchedulersTest::simpleClosedForm()
{
    c10::InferenceMode guard;
    const at::Tensor trained = schedule().sigmas();
    for (int steps : {1, 3, 7, 30, 1000}) {
        const at::Tensor expected =
            closedForm(steps, [&](int i) { return trained[999 - (i * 1000) / steps].item<double>(); });
        // Picked from the trained sigmas: exact.
        QVERIFY(at::equal(simpleSigmas(schedule(), steps), expected.to(at::kFloat)));
    }
}

void SchedulersTest::schedulesDescendToZero()
{
    c10::InferenceMode guard;
    // ddim_uniform starts at the trained sigma of timestep 1 + k floor(998 / k), below the top.
    const std::set<std::string> startAtSigmaMax = {"normal", "karras", "exponential", "sgm_uniform", "simple", "beta"};
    for (const std::string& name : schedulerNames())
        for (int steps : {1, 2, 3, 10, 30, 100}) {
            const at::Tensor sigmas = schedulerSigmas(name, schedule(), steps);
            const QByteArray what = QByteArray::fromStdString(name + " " + std::to_string(steps));
            QVERIFY2(sigmas.size(0) >= 2, what);
            QVERIFY2(sigmas[-1].item<double>() == 0.0, what);
            QVERIFY2((sigmas.slice(0, 1) < sigmas.slice(0, 0, -1)).all().item<bool>(), what);
            if (startAtSigmaMax.count(name))
                QVERIFY2(std::abs(sigmas[0].item<double>() / schedule().sigmaMax() - 1) < 1e-6, what);
            if (name != "ddim_uniform" && name != "beta")
                QVERIFY2(sigmas.size(0) == steps + 1, what);
        }
}

void SchedulersTest::incompleteBetaClosedForms()
{
    for (double x : {0.0, 1e-6, 0.1, 0.3, 0.5, 0.77, 0.999, 1.0}) {
        QVERIFY(std::abs(regularizedIncompleteBeta(x, 1, 1) - x) < 1e-14);
        QVERIFY(std::abs(regularizedIncompleteBeta(x, 3, 1) - x * x * x) < 1e-14);
        QVERIFY(std::abs(regularizedIncompleteBeta(x, 1, 2) - (1 - (1 - x) * (1 - x))) < 1e-14);
        // The arcsine distribution: I_x(1/2, 1/2) = 2/pi asin(sqrt x).
        QVERIFY(std::abs(regularizedIncompleteBeta(x, 0.5, 0.5) - 2 / M_PI * std::asin(std::sqrt(x))) < 1e-14);
        // Symmetry: I_x(a, b) = 1 - I_(1-x)(b, a).
        QVERIFY(std::abs(regularizedIncompleteBeta(x, 0.6, 2.5) + regularizedIncompleteBeta(1 - x, 2.5, 0.6) - 1) < 1e-14);
    }
    for (double p : {1e-9, 0.01, 0.25, 0.5, 0.9, 1 - 1e-9}) {
        const double x = inverseRegularizedIncompleteBeta(p, 0.5, 0.5);
        QVERIFY(std::abs(x - std::pow(std::sin(M_PI / 2 * p), 2)) < 1e-14);
    }
    // A round trip, away from the ends where one ulp of x moves I_x by more than 1e-14.
    for (double p : {1e-6, 0.01, 0.25, 0.5, 0.7, 0.99})
        QVERIFY(std::abs(regularizedIncompleteBeta(inverseRegularizedIncompleteBeta(p, 0.6, 0.6), 0.6, 0.6) - p) < 1e-14);
    QCOMPARE(inverseRegularizedIncompleteBeta(0.5, 0.6, 0.6), 0.5);
}

void SchedulersTest::betaQuantileMatchesScipy()
{
    // scipy.stats.beta.ppf(p, 0.6, 0.6) and .cdf(0.3, 0.6, 0.6) (SciPy 1.10.1).
    const std::vector<std::pair<double, double>> quantiles = {
        {0.9, 0.9604155944112192},    {0.5, 0.5000000000000001},       {0.25, 0.17568037865269498},
        {1 / 30.0, 0.006397135703290159}, {29 / 30.0, 0.9936028642967099}, {0.001, 1.855873851745199e-05},
    };
    for (const auto& [p, x] : quantiles)
        QVERIFY2(std::abs(inverseRegularizedIncompleteBeta(p, 0.6, 0.6) / x - 1) < 1e-12, qPrintable(QString::number(p)));
    QVERIFY(std::abs(regularizedIncompleteBeta(0.3, 0.6, 0.6) - 0.35252651177214367) < 1e-14);
}

void SchedulersTest::refusals()
{
    TESSERA_VERIFY_ERROR(schedulerSigmas("linear", schedule(), 10), ErrorCode::InvalidArgument);
    try {
        schedulerSigmas("linear", schedule(), 10);
    } catch (const Error& e) {
        const QString message = QString::fromStdString(e.what());
        QVERIFY2(message.contains("linear"), qPrintable(message));
        for (const std::string& name : schedulerNames())
            QVERIFY2(message.contains(QString::fromStdString(name)), qPrintable(message));
    }
    for (const std::string& name : schedulerNames())
        TESSERA_VERIFY_ERROR(schedulerSigmas(name, schedule(), 0), ErrorCode::InvalidArgument);
    TESSERA_VERIFY_ERROR(regularizedIncompleteBeta(1.5, 0.6, 0.6), ErrorCode::InvalidArgument);
    TESSERA_VERIFY_ERROR(inverseRegularizedIncompleteBeta(-0.1, 0.6, 0.6), ErrorCode::InvalidArgument);
}

QTEST_GUILESS_MAIN(SchedulersTest)
#include "tst_schedulers.moc"

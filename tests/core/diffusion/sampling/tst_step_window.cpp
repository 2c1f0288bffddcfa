// Step windows: every fixture case against the sigmas ComfyUI's own
// KSampler.sample handed its sampler, then each rule on its own without the
// fixture: denoise < 1 keeps the tail of a longer schedule, denoise <= 0 and a
// start at or past the last step return the input, the discard-penultimate
// samplers, last_step with and without force_full_denoise, start_step, and a
// base -> refiner split whose halves join into the whole schedule.

#include "common/error.h"
#include "diffusion/sampling/discrete_schedule.h"
#include "diffusion/sampling/schedulers.h"
#include "diffusion/sampling/step_window.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "core/diffusion/sampling/sampling_reference.h"
#include "support/error_checks.h"

#include <QtTest>

using namespace tessera;
using namespace tessera::sd;

namespace {

const DiscreteSchedule& schedule()
{
    static const DiscreteSchedule s = DiscreteSchedule::stableDiffusion();
    return s;
}

at::Tensor windowSigmas(const StepWindow& window, const std::string& scheduler = "karras", bool discard = false)
{
    return stepWindowSigmas(window, scheduler, schedule(), discard);
}

at::Tensor full(int steps, const std::string& scheduler = "karras")
{
    return schedulerSigmas(scheduler, schedule(), steps);
}

StepWindow window(int steps)
{
    StepWindow w;
    w.steps = steps;
    return w;
}

} // namespace

class StepWindowTest : public QObject {
    Q_OBJECT

private slots:
    void matchesComfyUi_data();
    void matchesComfyUi();
    void plainWindowIsTheSchedule();
    void denoiseKeepsTheTailOfALongerSchedule();
    void nothingToDenoiseReturnsTheInput();
    void discardPenultimateSigma();
    void lastStepCutsTheEnd();
    void startStepCutsTheStart();
    void startAtOrPastTheEndReturnsTheInput();
    void baseAndRefinerJoin();
    void refusals();
};

void StepWindowTest::matchesComfyUi_data()
{
    QTest::addColumn<int>("index");
    const nlohmann::json& windows = test::samplingMetadata().at("windows");
    for (size_t i = 0; i < windows.size(); ++i)
        QTest::newRow(windows[i].at("name").get<std::string>().c_str()) << int(i);
}

void StepWindowTest::matchesComfyUi()
{
    c10::InferenceMode guard;
    QFETCH(int, index);
    const nlohmann::json& c = test::samplingMetadata().at("windows").at(index);
    StepWindow w;
    w.steps = c.at("steps");
    w.denoise = c.value("denoise", 1.0);
    w.startStep = c.contains("start_step") && !c.at("start_step").is_null() ? c.at("start_step").get<int>() : 0;
    if (c.contains("last_step") && !c.at("last_step").is_null())
        w.lastStep = c.at("last_step").get<int>();
    w.forceFullDenoise = c.value("force_full_denoise", false);
    const at::Tensor ours = stepWindowSigmas(w, c.at("scheduler"), schedule(), c.at("discard_penultimate_sigma"));
    const at::Tensor theirs = test::samplingReference(c.at("key"));
    if (c.at("returns_input")) {
        QCOMPARE(ours.numel(), int64_t(0));
        return;
    }
    TESSERA_COMPARE_TO_REFERENCE(ours, theirs, 1e-6);
    // A forced full denoise must give an exact 0, not a small sigma.
    QCOMPARE(ours[-1].item<double>(), theirs[-1].item<double>());
    qInfo("%s: relative error %.3g", c.at("key").get<std::string>().c_str(), test::relativeError(ours, theirs));
}

void StepWindowTest::plainWindowIsTheSchedule()
{
    c10::InferenceMode guard;
    for (const std::string& scheduler : schedulerNames())
        QVERIFY2(at::equal(windowSigmas(window(12), scheduler), full(12, scheduler)), scheduler.c_str());
    // ComfyUI treats denoise above 0.9999 as 1: int(20 / 0.9999) would be 20 too, 0.999 as well.
    StepWindow almost = window(20);
    almost.denoise = 0.99995;
    QVERIFY(at::equal(windowSigmas(almost), full(20)));
}

void StepWindowTest::denoiseKeepsTheTailOfALongerSchedule()
{
    c10::InferenceMode guard;
    StepWindow w = window(10);
    w.denoise = 0.5;
    QVERIFY(at::equal(windowSigmas(w), full(20).slice(0, 10)));
    // int(10 / 0.3) = 33 steps, of which the last 10 (11 sigmas).
    w.denoise = 0.3;
    QVERIFY(at::equal(windowSigmas(w, "normal"), full(33, "normal").slice(0, 23)));
    QCOMPARE(windowSigmas(w).size(0), int64_t(11));
}

void StepWindowTest::nothingToDenoiseReturnsTheInput()
{
    c10::InferenceMode guard;
    for (double denoise : {0.0, -0.5}) {
        StepWindow w = window(20);
        w.denoise = denoise;
        QCOMPARE(windowSigmas(w).numel(), int64_t(0));
    }
}

void StepWindowTest::discardPenultimateSigma()
{
    c10::InferenceMode guard;
    const at::Tensor longer = full(21);
    const at::Tensor expected = at::cat({longer.slice(0, 0, 20), longer.slice(0, 21)});
    const at::Tensor sigmas = windowSigmas(window(20), "karras", true);
    QVERIFY(at::equal(sigmas, expected));
    QCOMPARE(sigmas.size(0), int64_t(21));
    QCOMPARE(sigmas[-1].item<double>(), 0.0);
    // With denoise the longer schedule is the one computed one step more.
    StepWindow w = window(10);
    w.denoise = 0.5;
    const at::Tensor longer21 = full(21);
    QVERIFY(at::equal(windowSigmas(w, "karras", true), at::cat({longer21.slice(0, 10, 20), longer21.slice(0, 21)})));
}

void StepWindowTest::lastStepCutsTheEnd()
{
    c10::InferenceMode guard;
    const at::Tensor all = full(20);
    StepWindow w = window(20);
    w.lastStep = 12;
    QVERIFY(at::equal(windowSigmas(w), all.slice(0, 0, 13)));
    w.forceFullDenoise = true;
    const at::Tensor forced = windowSigmas(w);
    QVERIFY(at::equal(forced.slice(0, 0, 12), all.slice(0, 0, 12)));
    QCOMPARE(forced[-1].item<double>(), 0.0);
    // A last step at or past the end changes nothing.
    for (int last : {20, 10000}) {
        w.lastStep = last;
        QVERIFY(at::equal(windowSigmas(w), all));
    }
    // The full schedule is not modified by a forced cut.
    QVERIFY(at::equal(full(20), all));
}

void StepWindowTest::startStepCutsTheStart()
{
    c10::InferenceMode guard;
    StepWindow w = window(20);
    w.startStep = 5;
    QVERIFY(at::equal(windowSigmas(w), full(20).slice(0, 5)));
    w.startStep = 19;
    QCOMPARE(windowSigmas(w).size(0), int64_t(2));
    // The start applies after the end cut: steps 5..12 of 20.
    w.startStep = 5;
    w.lastStep = 12;
    QVERIFY(at::equal(windowSigmas(w), full(20).slice(0, 5, 13)));
}

void StepWindowTest::startAtOrPastTheEndReturnsTheInput()
{
    c10::InferenceMode guard;
    for (int start : {20, 21, 100}) {
        StepWindow w = window(20);
        w.startStep = start;
        QCOMPARE(windowSigmas(w).numel(), int64_t(0));
    }
    // Past an earlier last step, too.
    StepWindow w = window(20);
    w.lastStep = 8;
    w.startStep = 8;
    QCOMPARE(windowSigmas(w).numel(), int64_t(0));
}

void StepWindowTest::baseAndRefinerJoin()
{
    c10::InferenceMode guard;
    for (const std::string& scheduler : {std::string("exponential"), std::string("karras"), std::string("normal")}) {
        StepWindow base = window(30);
        base.lastStep = 15;
        StepWindow refiner = window(30);
        refiner.startStep = 15;
        refiner.forceFullDenoise = true;
        const at::Tensor first = windowSigmas(base, scheduler), second = windowSigmas(refiner, scheduler);
        // The base stops with leftover noise exactly where the refiner starts.
        QVERIFY2(first[-1].item<double>() > 0, scheduler.c_str());
        QCOMPARE(first[-1].item<double>(), second[0].item<double>());
        QVERIFY(at::equal(at::cat({first.slice(0, 0, -1), second}), full(30, scheduler)));
    }
}

void StepWindowTest::refusals()
{
    TESSERA_VERIFY_ERROR(windowSigmas(window(0)), ErrorCode::InvalidArgument);
    StepWindow w = window(10);
    w.startStep = -1;
    TESSERA_VERIFY_ERROR(windowSigmas(w), ErrorCode::InvalidArgument);
    w.startStep = 0;
    w.lastStep = -2;
    TESSERA_VERIFY_ERROR(windowSigmas(w), ErrorCode::InvalidArgument);
    TESSERA_VERIFY_ERROR(windowSigmas(window(10), "linear"), ErrorCode::InvalidArgument);
}

QTEST_GUILESS_MAIN(StepWindowTest)
#include "tst_step_window.moc"

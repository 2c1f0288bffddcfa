// The sampling job end to end on the tiny checkpoints (real key structure,
// random weights, CPU fp32): txt2img for SD 1.5 and SDXL base -> refiner,
// img2img, ComfyUI's noise, the step windows as the job applies them, the
// handoff between two passes, reproducibility, progress, cancel, metadata
// and the refusals. The networks themselves are proven against the reference
// in tests/core/diffusion; this proves the job composes them as ComfyUI does.

// LibTorch headers before Qt's (Qt's "slots" macro breaks torch/nn).
#include "common/error.h"
#include "diffusion/sampling/noise.h"
#include "image/tensor_convert.h"
#include "pipeline/sampling_job.h"

#include "diffusion_fixtures.h"
#include "support/cli_process.h"
#include "support/error_checks.h"

#include <QDir>
#include <QProcess>
#include <QtTest>

using namespace tessera;

namespace {

const std::string kVocabulary = std::string(TESSERA_CLIP_TEST_DATA);

/// Settings for a small, quick txt2img on `checkpoint`: 64x64 px (8x8 latent), 4 euler steps.
GenerationSettings smallRun(const std::string& checkpoint)
{
    GenerationSettings s;
    s.checkpoint = checkpoint;
    s.vocabularyPath = kVocabulary;
    s.prompt = "a photo of a (cat:1.2)";
    s.negativePrompt = "blurry";
    s.seed = 42;
    s.width = 64;
    s.height = 64;
    s.base.steps = 4;
    s.base.cfg = 5.0;
    s.base.scheduler = "karras";
    s.device = DeviceSpec{};
    return s;
}

at::Tensor pixels(const Image& image)
{
    return imageToTensor(image);
}

} // namespace

class TestSamplingJob : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_sd15, m_sdxlBase, m_sdxlRefiner;

private slots:
    void initTestCase()
    {
        if (!QDir(QString::fromStdString(kVocabulary)).exists())
            QSKIP("the CLIP vocabulary is not in ../shared/data/clip beside the checkout");
        m_sd15 = test::composeTinyCheckpoint(m_dir, "sd15");
        m_sdxlBase = test::composeTinyCheckpoint(m_dir, "sdxl_base");
        m_sdxlRefiner = test::composeTinyCheckpoint(m_dir, "sdxl_refiner");
    }

    void initialNoiseIsComfyUisPrepareNoise()
    {
        // torch.randn([1, 4, 16, 16], generator=torch.manual_seed(70)) as the reference drew it.
        const at::Tensor noise = sd::initialNoise({1, 4, 16, 16}, 70);
        QVERIFY(noise.equal(test::reference("sd15.txt2img.noise")));
    }

    void txt2imgIsReproducibleAndCarriesItsParameters()
    {
        SamplingJob job;
        const GenerationSettings s = smallRun(m_sd15);
        const SamplingPlan plan = job.plan(s);
        QCOMPARE(plan.family, sd::ModelFamily::Sd1);
        QCOMPARE(plan.steps(), 4);
        std::vector<Progress> reports;
        const Image first = job.run(s, nullptr, {}, [&](const Progress& p) { reports.push_back(p); });
        QCOMPARE(first.width(), 64);
        QCOMPARE(first.height(), 64);
        QCOMPARE(first.channels(), 3);
        QVERIFY(at::isfinite(pixels(first)).all().item<bool>());
        QVERIFY(pixels(first).std().item<double>() > 1e-3); // not a flat image
        // Every step and the decode reported, in order, ending complete.
        QVERIFY(!reports.empty());
        QCOMPARE(reports.back().done, int64_t(5));
        QCOMPARE(reports.back().total, int64_t(5));
        QCOMPARE(QString::fromStdString(reports.back().stage), QString("vae decode"));

        // Same seed: the same image bit for bit; another seed: another image.
        QVERIFY(pixels(job.run(s)).equal(pixels(first)));
        GenerationSettings other = s;
        other.seed = 43;
        QVERIFY(!pixels(job.run(other)).equal(pixels(first)));

        const MetadataEntry* parameters = first.metadata().find("parameters");
        QVERIFY(parameters);
        const QString text = QString::fromStdString(parameters->display);
        for (const QString& part : {QString("a photo of a (cat:1.2)\n"), QString("Negative prompt: blurry"),
                                    QString("Steps: 4"), QString("Sampler: euler"), QString("Schedule type: karras"),
                                    QString("CFG scale: 5"), QString("Seed: 42"), QString("Size: 64x64"),
                                    QString("Model: sd15_tiny")})
            QVERIFY2(text.contains(part), qPrintable(text));
    }

    void splitRunEqualsWholeRun()
    {
        // KSamplerAdvanced's handoff: steps 0..2 with the leftover noise, then
        // 2..6 with noise disabled, on the same model, equals one 6-step run of
        // a single-step sampler (euler), as in ComfyUI.
        SamplingJob job;
        GenerationSettings whole = smallRun(m_sdxlBase);
        whole.base.steps = 6;
        GenerationSettings split = whole;
        split.refinerCheckpoint = m_sdxlBase;
        split.base.endStep = 2;
        split.base.leftoverNoise = true;
        split.refiner = whole.base;
        split.refiner.startStep = 2;
        split.refiner.addNoise = false;
        QCOMPARE(job.plan(split).steps(), 6);
        const at::Tensor a = pixels(job.run(whole)), b = pixels(job.run(split));
        qInfo("split vs whole: max difference %.3g", (a - b).abs().max().item<double>());
        QVERIFY((a - b).abs().max().item<double>() < 1e-5);
    }

    void baseToRefinerWithTheSeedsDefaults()
    {
        // The product seed's handoff on the tiny SDXL base and refiner: steps
        // 0..14 of 30 on the base, 15..32 of 32 on the refiner.
        SamplingJob job;
        GenerationSettings s = smallRun(m_sdxlBase);
        s.refinerCheckpoint = m_sdxlRefiner;
        s.base = seedBasePass();
        s.refiner = seedRefinerPass();
        const SamplingPlan plan = job.plan(s);
        QCOMPARE(plan.family, sd::ModelFamily::SdxlBase);
        QCOMPARE(plan.baseSigmas.numel(), int64_t(15));   // sigmas[:15]: 14 steps
        QCOMPARE(plan.refinerSigmas.numel(), int64_t(18)); // sigmas[15:] of 33: 17 steps
        QCOMPARE(plan.refinerSigmas[-1].item<double>(), 0.0);
        QVERIFY(plan.baseSigmas[-1].item<double>() > 0.0); // leftover noise
        int64_t lastDone = 0;
        const Image image = job.run(s, nullptr, {}, [&](const Progress& p) { lastDone = p.done; });
        QCOMPARE(lastDone, int64_t(14 + 17 + 1));
        QVERIFY(at::isfinite(pixels(image)).all().item<bool>());
        const QString text = QString::fromStdString(image.metadata().find("parameters")->display);
        QVERIFY2(text.contains("Refiner: sdxl_refiner_tiny") && text.contains("Refiner start step: 15"), qPrintable(text));
    }

    // CUDA graphs asked for on the CPU: the pass runs eagerly, the same image.
    void cudaGraphsOnTheCpuChangeNothing()
    {
        SamplingJob job;
        GenerationSettings plain = smallRun(m_sd15);
        plain.cudaGraphs = false;
        GenerationSettings graphed = plain;
        graphed.cudaGraphs = true;
        QVERIFY(pixels(job.run(graphed)).equal(pixels(job.run(plain))));
    }

    void hyperTileInTheJob()
    {
        // One latent tile covers the 8x8 latent at tile 256: the image is the
        // plain one. Tile 1 (4 tokens) cuts level 0 of SD 1.5: another image,
        // the same one again for the same seed, and the parameters say so.
        SamplingJob job;
        const GenerationSettings plain = smallRun(m_sd15);
        GenerationSettings tiled = plain;
        tiled.hyperTile = sd::HyperTileOptions{};
        const at::Tensor reference = pixels(job.run(plain));
        QVERIFY(pixels(job.run(tiled)).equal(reference));
        tiled.hyperTile->tileSize = 1;
        const Image first = job.run(tiled);
        QVERIFY(!pixels(first).equal(reference));
        QVERIFY(pixels(job.run(tiled)).equal(pixels(first)));
        QVERIFY(QString::fromStdString(first.metadata().find("parameters")->display).contains("HyperTile: tile 1 swap 2 depth 0"));
        QVERIFY(job.plan(tiled).notes.empty());
        // The VAE's mid-block attention too, on request: another image; at
        // tile 256 its one window over the 8x8 latent is the plain attention.
        GenerationSettings withVae = tiled;
        withVae.hyperTile->vae = true;
        QVERIFY(!pixels(job.run(withVae)).equal(pixels(first)));
        GenerationSettings vaeOneWindow = plain;
        vaeOneWindow.hyperTile = sd::HyperTileOptions{};
        vaeOneWindow.hyperTile->vae = true;
        QVERIFY(pixels(job.run(vaeOneWindow)).equal(reference));
        QVERIFY(pixels(job.run(tiled)).equal(pixels(first))); // the patch is gone after the run

        // SDXL has no attention at level 0: max depth 0 is noted, depth 1 is not.
        GenerationSettings sdxl = smallRun(m_sdxlBase);
        sdxl.hyperTile = sd::HyperTileOptions{};
        const SamplingPlan noted = job.plan(sdxl);
        QCOMPARE(int(noted.notes.size()), 1);
        QVERIFY2(QString::fromStdString(noted.notes[0]).contains("max depth 1"), noted.notes[0].c_str());
        sdxl.hyperTile->maxDepth = 1;
        QVERIFY(job.plan(sdxl).notes.empty());
        sdxl.hyperTile->swapSize = 0;
        TESSERA_VERIFY_ERROR(job.plan(sdxl), ErrorCode::InvalidArgument);
    }

    void img2imgAtDenoiseZeroReturnsTheInput()
    {
        // denoise 0 samples nothing: the result is the VAE's round trip of the
        // input, cropped to multiples of 8 about the centre; alpha is kept.
        SamplingJob job;
        GenerationSettings s = smallRun(m_sd15);
        s.width = s.height = 0;
        s.base.denoise = 0.0;
        const at::Tensor values = at::rand({1, 4, 67, 70});
        const Image input = tensorToImage(values);
        const SamplingPlan plan = job.plan(s, &input);
        QCOMPARE(plan.width, 64);
        QCOMPARE(plan.height, 64);
        QCOMPARE(plan.steps(), 0);
        const Image once = job.run(s, &input);
        QCOMPARE(once.channels(), 4);
        // alpha: the centre crop (x from 3, y from 1) of the input's.
        QVERIFY(pixels(once).slice(1, 3).equal(values.slice(1, 3).slice(2, 1, 65).slice(3, 3, 67)));
        // At denoise 0.5 the last 4 steps of an 8-step schedule run and change it.
        s.base.denoise = 0.5;
        QCOMPARE(job.plan(s, &input).steps(), 4);
        const Image half = job.run(s, &input);
        QVERIFY(!pixels(half).equal(pixels(once)));
    }

    void cancelStopsBetweenSteps()
    {
        SamplingJob job;
        const GenerationSettings s = smallRun(m_sd15);
        CancelToken cancel;
        int64_t lastDone = 0;
        TESSERA_VERIFY_ERROR(job.run(s, nullptr, cancel,
                                     [&](const Progress& p) {
                                         lastDone = p.done;
                                         if (p.done == 2)
                                             cancel.cancel();
                                     }),
                             ErrorCode::Cancelled);
        QCOMPARE(lastDone, int64_t(2));
        // The job stays usable.
        QVERIFY(at::isfinite(pixels(job.run(s))).all().item<bool>());
    }

    void cliGeneratesAndInfoShowsTheParameters()
    {
#ifndef TESSERA_CLI_PATH
        QSKIP("tessera-cli is not built (TESSERA_WITH_IO is off)");
#else
        // tessera-cli generate writes a PNG whose "parameters" text
        // tessera-cli info shows; img2img re-samples it; bad usage is exit 2.
        const QString out = m_dir.filePath("generated.png");
        auto run = [](const QStringList& args) { return test::runProgram(TESSERA_CLI_PATH, args); };
        const QString vocab = QString::fromStdString(kVocabulary);
        const auto [generated, generateText] =
            run({"generate", "-o", out, "--model", QString::fromStdString(m_sd15), "--prompt", "a photo of a cat",
                 "--steps", "3", "--seed", "7", "--width", "64", "--height", "64", "--sampler", "dpmpp_2m",
                 "--scheduler", "karras", "--vocab", vocab});
        QVERIFY2(generated == 0, qPrintable(generateText));
        const auto [shown, infoText] = run({"info", out});
        QCOMPARE(shown, 0);
        for (const QString& part : {QString("a photo of a cat"), QString("Steps: 3"), QString("Sampler: dpmpp_2m"),
                                    QString("Seed: 7"), QString("Model: sd15_tiny")})
            QVERIFY2(infoText.contains(part), qPrintable(infoText));
        const QString again = m_dir.filePath("again.png");
        const auto [resampled, img2imgText] = run({"img2img", out, "-o", again, "--model", QString::fromStdString(m_sd15),
                                                   "--prompt", "a cat", "--denoise", "0.5", "--steps", "2", "--vocab", vocab});
        QVERIFY2(resampled == 0 && QFile::exists(again), qPrintable(img2imgText));
        QCOMPARE(run({"generate", "-o", out, "--model", QString::fromStdString(m_sd15), "--sampler", "nope", "--vocab", vocab}).first, 1);
        QCOMPARE(run({"generate", "--model", QString::fromStdString(m_sd15)}).first, 2);
#endif
    }

    void refusesWhatCannotRun()
    {
        SamplingJob job;
        GenerationSettings s = smallRun(m_sd15);
        s.base.sampler = "eular";
        TESSERA_VERIFY_ERROR(job.plan(s), ErrorCode::InvalidArgument);
        try {
            job.plan(s);
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("eular") && QString(e.what()).contains("dpmpp_2m"), e.what());
        }
        s = smallRun(m_sd15);
        s.base.scheduler = "karas";
        TESSERA_VERIFY_ERROR(job.plan(s), ErrorCode::InvalidArgument);
        s = smallRun(m_sd15);
        s.width = 60;
        TESSERA_VERIFY_ERROR(job.plan(s), ErrorCode::InvalidArgument);
        s = smallRun(m_sd15);
        s.refinerCheckpoint = m_sdxlRefiner; // SD 1.5 cannot hand off to an SDXL refiner
        TESSERA_VERIFY_ERROR(job.plan(s), ErrorCode::InvalidArgument);
        s = smallRun(m_dir.filePath("missing.safetensors").toStdString());
        TESSERA_VERIFY_ERROR(job.plan(s), ErrorCode::Io);
    }
};

QTEST_GUILESS_MAIN(TestSamplingJob)
#include "tst_sampling_job.moc"

// Tiled refinement and the workflow end to end on the tiny checkpoints (real
// key structure, random weights, CPU fp32): the seed's start-step rule, every
// mode over a grid of tiles, blend mode on one tile equal to plain img2img,
// the refiner's handoff equal to one pass, odd sizes and alpha, progress,
// cancel, refusals, the seam metric of each mode, the workflow from a prompt
// and from an image, and tessera-cli refine / workflow (with Ctrl+C). The
// per-step blending itself is proven exact in tst_tiled_denoiser.

// LibTorch headers before Qt's (Qt's "slots" macro breaks torch/nn).
#include "common/error.h"
#include "image/tensor_convert.h"
#include "pipeline/checkpoint_cache.h"
#include "pipeline/refine_job.h"
#include "pipeline/sampling_job.h"
#include "pipeline/workflow_job.h"
#include "tiling/seam_metric.h"

#ifdef TESSERA_CLI_PATH
#include "io/image_writer.h"
#endif

#include "diffusion_fixtures.h"
#include "support/cli_process.h"
#include "support/error_checks.h"
#include "support/model_files.h"

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest>

#include <csignal>
#include <map>

using namespace tessera;

namespace {

const std::string kVocabulary = std::string(TESSERA_CLIP_TEST_DATA);

at::Tensor pixels(const Image& image)
{
    return imageToTensor(image);
}

/// A smooth test picture (gradients and a low-frequency pattern, values in
/// [0, 1]) where a disagreement between tiles would show as a seam.
Image smoothImage(int width, int height, int channels = 3)
{
    const at::Tensor y = at::linspace(0.0, 1.0, height).view({1, 1, height, 1});
    const at::Tensor x = at::linspace(0.0, 1.0, width).view({1, 1, 1, width});
    std::vector<at::Tensor> planes;
    for (int c = 0; c < channels; ++c)
        planes.push_back(0.5 + 0.25 * at::sin(6.0 * x + 2.0 * c) * at::cos(4.0 * y - c) + 0.2 * (x - y));
    return tensorToImage(at::cat(planes, 1).clamp(0.0, 1.0));
}

/// A quick refinement: 2 steps of 4 (denoise 0.5), euler, 64-pixel tiles.
RefineSettings smallRefine(const std::string& checkpoint, RefineMode mode = RefineMode::Blend)
{
    RefineSettings s;
    s.checkpoint = checkpoint;
    s.vocabularyPath = kVocabulary;
    s.prompt = "a detailed photo";
    s.negativePrompt = "blurry";
    s.seed = 11;
    s.steps = 4;
    s.denoise = 0.5;
    s.sampler = "euler";
    s.cfg = 4.0;
    s.mode = mode;
    s.tileSize = 64;
    return s;
}

double maxDifference(const at::Tensor& a, const at::Tensor& b)
{
    return (a - b).abs().max().item<double>();
}

} // namespace

class TestRefineJob : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_sd15, m_sdxlBase, m_sdxlRefiner, m_upscaler;

private slots:
    void initTestCase()
    {
        if (!QDir(QString::fromStdString(kVocabulary)).exists())
            QSKIP("the CLIP vocabulary is not in ../shared/data/clip beside the checkout");
        m_sd15 = test::composeTinyCheckpoint(m_dir, "sd15");
        m_sdxlBase = test::composeTinyCheckpoint(m_dir, "sdxl_base");
        m_sdxlRefiner = test::composeTinyCheckpoint(m_dir, "sdxl_refiner");
        m_upscaler = m_dir.filePath("compact_x2.safetensors").toStdString();
        test::writeCompactUpscaler(m_upscaler);
    }

    void thePlanFollowsTheSeed()
    {
        // start_step = int(steps - steps * denoise): 30 steps at 0.25 start at 22.
        QCOMPARE(refineStartStep(30, 0.25), 22);
        QCOMPARE(refineStartStep(4, 0.5), 2);
        QCOMPARE(refineStartStep(20, 1.0), 0);
        QCOMPARE(refineStartStep(20, 0.0), 20);
        RefineJob job;
        RefineSettings s = smallRefine(m_sd15);
        s.steps = 30;
        s.denoise = 0.25;
        s.sampler = "dpmpp_2m_sde_gpu";
        s.scheduler = "karras";
        RefinePlan plan = job.plan(s, 200, 130);
        QCOMPARE(plan.sigmas.numel(), int64_t(9)); // steps 22..30
        QCOMPARE(plan.steps(), 8);
        QCOMPARE(plan.paddedWidth, 200);
        QCOMPARE(plan.paddedHeight, 136);
        // The tiles come from the coordinate mapper: 64 px, a quarter overlap, in image pixels, scale 1/8.
        TileSettings expected;
        expected.tileSize = 64;
        expected.overlap = 16;
        expected.halo = 0;
        expected.scale = ScaleRatio(1, 8);
        expected.inputMultiple = 8;
        const TilePlan tiles(200, 136, expected);
        QCOMPARE(plan.tiles.tileCount(), tiles.tileCount());
        QVERIFY(plan.tiles.tileCount() > 4);
        for (int t = 0; t < tiles.tileCount(); ++t)
            QVERIFY(plan.tiles.tiles()[size_t(t)].area == tiles.tiles()[size_t(t)].area);
        QCOMPARE(plan.units(), int64_t(8 * tiles.tileCount() + 2));
        // A latent smaller than the tile in one dimension is one tile there (the original divides by zero).
        s.tileSize = 1024;
        plan = job.plan(s, 2048, 512);
        QCOMPARE(plan.tiles.rows(), 1);
        QCOMPARE(plan.tiles.columns(), 3);
        s.mode = RefineMode::Pixel;
        QCOMPARE(job.plan(s, 2048, 512).units(), int64_t(3 * (8 + 2)));
    }

    void blendOnOneTileEqualsImg2img_data()
    {
        QTest::addColumn<QString>("sampler");
        QTest::newRow("euler") << "euler";
        QTest::newRow("dpmpp_2m_sde_gpu") << "dpmpp_2m_sde_gpu";
    }
    void blendOnOneTileEqualsImg2img()
    {
        // An image that fits one tile: the blend mode is the single-pass
        // img2img of KSamplerAdvanced from the same start step.
        QFETCH(QString, sampler);
        const auto cache = std::make_shared<CheckpointCache>();
        RefineJob refine(cache);
        SamplingJob sampling(cache);
        RefineSettings r = smallRefine(m_sd15);
        r.sampler = sampler.toStdString();
        r.tileSize = 1024;
        const Image input = smoothImage(64, 64);
        QCOMPARE(refine.plan(r, 64, 64).tiles.tileCount(), 1);
        GenerationSettings g;
        g.checkpoint = m_sd15;
        g.vocabularyPath = kVocabulary;
        g.prompt = r.prompt;
        g.negativePrompt = r.negativePrompt;
        g.seed = r.seed;
        g.base.sampler = r.sampler;
        g.base.scheduler = r.scheduler;
        g.base.steps = r.steps;
        g.base.cfg = r.cfg;
        g.base.startStep = refineStartStep(r.steps, r.denoise);
        const double difference = maxDifference(pixels(refine.run(r, input)), pixels(sampling.run(g, &input)));
        qInfo("blend on one tile vs img2img: %.3g", difference);
        QVERIFY(difference < 1e-5);
    }

    void everyModeRefinesTheWholeImage_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("blend") << int(RefineMode::Blend);
        QTest::newRow("tiles") << int(RefineMode::Tiles);
        QTest::newRow("pixel") << int(RefineMode::Pixel);
    }
    void everyModeRefinesTheWholeImage()
    {
        QFETCH(int, mode);
        RefineJob job;
        const RefineSettings s = smallRefine(m_sd15, RefineMode(mode));
        const Image input = smoothImage(128, 96);
        const RefinePlan plan = job.plan(s, 128, 96);
        QVERIFY(plan.tiles.tileCount() >= 4);
        std::vector<Progress> reports;
        int started = 0;
        RefineHooks hooks;
        hooks.tileStarted = [&](const Tile&) { ++started; };
        const Image refined = job.run(s, input, {}, [&](const Progress& p) { reports.push_back(p); }, hooks);
        QCOMPARE(refined.width(), 128);
        QCOMPARE(refined.height(), 96);
        QCOMPARE(refined.channels(), 3);
        const at::Tensor out = pixels(refined);
        QVERIFY(at::isfinite(out).all().item<bool>());
        QVERIFY((out - pixels(input)).abs().mean().item<double>() > 1e-3); // it did something
        QCOMPARE(started, RefineMode(mode) == RefineMode::Blend ? 0 : plan.tiles.tileCount());
        // Progress per tile and step, monotonic, ending complete.
        QVERIFY(reports.size() >= size_t(plan.tiles.tileCount() * plan.steps()));
        for (size_t i = 1; i < reports.size(); ++i)
            QVERIFY(reports[i].done >= reports[i - 1].done);
        QCOMPARE(reports.back().done, plan.units());
        QCOMPARE(reports.back().total, plan.units());
        bool sawTileAndStep = false;
        for (const Progress& p : reports)
            sawTileAndStep |= QString::fromStdString(p.stage).contains(QRegularExpression("tile \\d+/\\d+, step \\d+/2"));
        QVERIFY(sawTileAndStep);
        // Reproducible from the seed; the parameters name the mode.
        QVERIFY(pixels(job.run(s, input)).equal(out));
        const QString text = QString::fromStdString(refined.metadata().find("parameters")->display);
        QVERIFY2(text.contains(QString("Tiled refine: ") + refineModeName(RefineMode(mode))) &&
                     text.contains("Denoising strength: 0.5") && text.contains("Tile size: 64"),
                 qPrintable(text));
    }

    void perStepBlendingLeavesNoSeam()
    {
        // The seam metric (gradient energy in the bands where tiles meet over
        // the rest, tiling/seam_metric.h) on the refined latents, where the
        // tiles are sampled (the tiny VAE's random decoder would drown a seam
        // in noise): a stationary field (no seams of its own), 3 x 3 tiles,
        // most of the schedule resampled. Tiles sampled alone disagree in their
        // overlaps, and their average there is smoother than either (ratio
        // below 1: a blurred stripe); blended at every step they cannot.
        RefineJob job;
        at::manual_seed(3);
        const at::Tensor field = at::avg_pool2d(at::reflection_pad2d(at::randn({1, 4, 34, 34}), {1, 1, 1, 1}), 3, 1);
        const at::Tensor latent = field.slice(2, 1, 33).slice(3, 1, 33) * 2.0; // [1, 4, 32, 32]
        TileSettings grid; // the refine plan's tiles in latent pixels
        grid.tileSize = 16;
        grid.overlap = 4;
        grid.halo = 0;
        const TilePlan tiles(32, 32, grid);
        QCOMPARE(tiles.tileCount(), 9);
        std::map<RefineMode, SeamEnergy> seams;
        for (RefineMode mode : {RefineMode::Blend, RefineMode::Tiles}) {
            RefineSettings s = smallRefine(m_sd15, mode);
            s.tileSize = 128;
            s.overlap = 32;
            s.denoise = 0.75;
            QCOMPARE(job.plan(s, 256, 256).tiles.tileCount(), 9);
            seams[mode] = seamEnergy(job.runLatent(s, latent)[0], tiles);
        }
        qInfo("seam energy ratio of the latents: input %.3f, blend %.3f, tiles %.3f", seamEnergy(latent[0], tiles).ratio(),
              seams[RefineMode::Blend].ratio(), seams[RefineMode::Tiles].ratio());
        QVERIFY(seams[RefineMode::Blend].strength() < 0.05);
        QVERIFY(seams[RefineMode::Blend].strength() < seams[RefineMode::Tiles].strength() / 4);
        RefineSettings pixel = smallRefine(m_sd15, RefineMode::Pixel);
        TESSERA_VERIFY_ERROR(job.runLatent(pixel, latent), ErrorCode::InvalidArgument);
    }

    void oddSizesAndAlphaComeBack()
    {
        // Reflect padded to 104 x 72 and cropped back; alpha untouched.
        RefineJob job;
        const at::Tensor values = at::cat({pixels(smoothImage(100, 70)), at::rand({1, 1, 70, 100})}, 1);
        const Image refined = job.run(smallRefine(m_sd15), tensorToImage(values));
        QCOMPARE(refined.width(), 100);
        QCOMPARE(refined.height(), 70);
        QCOMPARE(refined.channels(), 4);
        QVERIFY(pixels(refined).slice(1, 3).equal(values.slice(1, 3)));
    }

    void theRefinersHandoffEqualsOnePass()
    {
        // The refiner takes the steps from the switch on (leftover noise kept,
        // none added): with the base as its own refiner and a single-step
        // sampler, two passes equal one.
        RefineJob job;
        RefineSettings whole = smallRefine(m_sdxlBase);
        whole.steps = 6;
        whole.denoise = 0.5;
        RefineSettings handoff = whole;
        handoff.refinerCheckpoint = m_sdxlBase;
        handoff.refinerStartStep = 5;
        const RefinePlan plan = job.plan(handoff, 96, 64);
        QCOMPARE(plan.steps(), 3);
        QCOMPARE(plan.refinerSigmas.numel(), int64_t(2));
        const Image input = smoothImage(96, 64);
        const double difference = maxDifference(pixels(job.run(whole, input)), pixels(job.run(handoff, input)));
        QVERIFY2(difference < 1e-5, qPrintable(QString::number(difference)));
        // A real refiner takes over; the parameters say where.
        handoff.refinerCheckpoint = m_sdxlRefiner;
        const Image refined = job.run(handoff, input);
        QVERIFY(QString::fromStdString(refined.metadata().find("parameters")->display).contains("Refiner start step: 5"));
    }

    void cancelStopsWithinATile()
    {
        RefineJob job;
        const RefineSettings s = smallRefine(m_sd15);
        CancelToken cancel;
        int64_t lastDone = 0;
        TESSERA_VERIFY_ERROR(job.run(s, smoothImage(128, 96), cancel,
                                     [&](const Progress& p) {
                                         lastDone = p.done;
                                         if (p.done == 3)
                                             cancel.cancel();
                                     }),
                             ErrorCode::Cancelled);
        QCOMPARE(lastDone, int64_t(3));
        QVERIFY(at::isfinite(pixels(job.run(s, smoothImage(64, 64)))).all().item<bool>()); // still usable
    }

    void refusesWhatCannotRun()
    {
        RefineJob job;
        RefineSettings s = smallRefine(m_sd15);
        s.tileSize = 32;
        TESSERA_VERIFY_ERROR(job.plan(s, 128, 128), ErrorCode::InvalidArgument);
        s = smallRefine(m_sd15);
        s.overlap = 40; // more than half of 64
        TESSERA_VERIFY_ERROR(job.plan(s, 128, 128), ErrorCode::InvalidArgument);
        s = smallRefine(m_sd15);
        s.denoise = 1.5;
        TESSERA_VERIFY_ERROR(job.plan(s, 128, 128), ErrorCode::InvalidArgument);
        s = smallRefine(m_sd15);
        s.sampler = "eular";
        TESSERA_VERIFY_ERROR(job.plan(s, 128, 128), ErrorCode::InvalidArgument);
        s = smallRefine(m_sd15);
        s.refinerCheckpoint = m_sdxlRefiner;
        TESSERA_VERIFY_ERROR(job.plan(s, 128, 128), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(job.plan(smallRefine(m_sd15), 4, 128), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(job.plan(smallRefine(m_dir.filePath("missing.safetensors").toStdString()), 64, 64),
                             ErrorCode::Io);
    }

    void theWorkflowFromAPrompt()
    {
        // base -> refiner (the seed's windows on short schedules), model
        // upscale x2, resize by 1.5 to multiples of 8, tiles refined by the refiner.
        WorkflowJob job;
        WorkflowSettings s;
        s.generation.checkpoint = m_sdxlBase;
        s.generation.refinerCheckpoint = m_sdxlRefiner;
        s.generation.vocabularyPath = kVocabulary;
        s.generation.prompt = "a castle";
        s.generation.seed = 5;
        s.generation.width = 64;
        s.generation.height = 72;
        s.generation.base.steps = 6;
        s.generation.base.endStep = 3;
        s.generation.refiner.steps = 6;
        s.generation.refiner.startStep = 3;
        s.upscaleModel = m_upscaler;
        s.upscaleBy = 1.5;
        s.tilerModel = TilerModel::Refiner;
        s.refine = smallRefine("");
        const WorkflowPlan plan = job.plan(s);
        QVERIFY(plan.generates);
        QCOMPARE(plan.upscaledWidth, 96);  // int(64 * 1.5) // 8 * 8
        QCOMPARE(plan.upscaledHeight, 104); // int(72 * 1.5) = 108 -> 104
        QCOMPARE(plan.refine.family, sd::ModelFamily::SdxlRefiner);
        QStringList stages;
        const WorkflowResult result = job.run(s, nullptr, {}, [&](const Progress& p) {
            const QString stage = QString::fromStdString(p.stage).section(':', 0, 0);
            if (stages.isEmpty() || stages.back() != stage)
                stages << stage;
        });
        QCOMPARE(stages, QStringList({"generate", "upscale", "refine"}));
        for (const Image* image : {&result.refined, &result.upscaled}) {
            QCOMPARE(image->width(), 96);
            QCOMPARE(image->height(), 104);
            QVERIFY(at::isfinite(pixels(*image)).all().item<bool>());
        }
        QVERIFY(!pixels(result.refined).equal(pixels(result.upscaled)));
        s.generation.refinerCheckpoint.clear();
        TESSERA_VERIFY_ERROR(job.plan(s), ErrorCode::InvalidArgument); // a refiner tiler needs a refiner
    }

    void theWorkflowFromAnImage()
    {
        // The first two stages skipped: a 40 x 44 image resized by 2 (no
        // upscale model) to 80 x 88 and refined with SD 1.5.
        WorkflowJob job;
        WorkflowSettings s;
        s.generation.checkpoint = m_sd15;
        s.generation.vocabularyPath = kVocabulary;
        s.generation.prompt = "a castle";
        s.upscaleBy = 2.0;
        s.refine = smallRefine("");
        const Image start = smoothImage(40, 44);
        const WorkflowPlan plan = job.plan(s, &start);
        QVERIFY(!plan.generates);
        const WorkflowResult result = job.run(s, &start);
        QCOMPARE(result.upscaled.width(), 80);
        QCOMPARE(result.upscaled.height(), 88);
        QCOMPARE(result.refined.width(), 80);
        QCOMPARE(result.refined.height(), 88);
    }

    void cliRefinesRunsTheWorkflowAndCancels()
    {
#ifndef TESSERA_CLI_PATH
        QSKIP("tessera-cli is not built (TESSERA_WITH_IO is off)");
#else
        auto run = [](const QStringList& args) { return test::runProgram(TESSERA_CLI_PATH, args); };
        const QString vocab = QString::fromStdString(kVocabulary);
        const QString in = m_dir.filePath("in.png");
        writeImage(smoothImage(128, 96), in.toStdString(), {});
        const QString out = m_dir.filePath("refined.png");
        const auto [refined, refineText] =
            run({"refine", in, "-o", out, "--model", QString::fromStdString(m_sd15), "--prompt", "a cat", "--tile", "64",
                 "--steps", "2", "--denoise", "0.5", "--sampler", "euler", "--mode", "tiles", "--vocab", vocab});
        QVERIFY2(refined == 0 && QFile::exists(out), qPrintable(refineText));
        QVERIFY2(refineText.contains("tiles"), qPrintable(refineText));
        const auto [upscaled, upscaleText] =
            run({"refine", in, "-o", out, "--model", QString::fromStdString(m_sd15), "--prompt", "a cat", "--tile", "64",
                 "--steps", "2", "--denoise", "0.5", "--upscale-model", QString::fromStdString(m_upscaler),
                 "--upscale-by", "1.5", "--vocab", vocab});
        QVERIFY2(upscaled == 0 && upscaleText.contains("192 x 144"), qPrintable(upscaleText));

        const QString workflowOut = m_dir.filePath("workflow.png"), alsoUpscaled = m_dir.filePath("upscaled.png");
        const auto [flowed, workflowText] = run(
            {"workflow", "-o", workflowOut, "--model", QString::fromStdString(m_sdxlBase), "--refiner",
             QString::fromStdString(m_sdxlRefiner), "--prompt", "a castle", "--width", "64", "--height", "64", "--steps",
             "4", "--end-step", "2", "--refiner-steps", "4", "--switch-step", "2", "--upscale-model",
             QString::fromStdString(m_upscaler), "--upscale-by", "2", "--tiler-model", "refiner", "--tiler-steps", "2",
             "--tiler-denoise", "0.5", "--tile", "64", "--also-upscaled", alsoUpscaled, "--vocab", vocab});
        QVERIFY2(flowed == 0 && QFile::exists(workflowOut) && QFile::exists(alsoUpscaled), qPrintable(workflowText));
        QVERIFY2(workflowText.contains("128 x 128, refined") && workflowText.contains("128 x 128, upscaled"),
                 qPrintable(workflowText));

        // A plan of over 10000 tiles (x10 to 6400 x 4800 in tiles of 64) is
        // refused before any work without --force, in one line.
        const QString many = m_dir.filePath("many.png");
        writeImage(smoothImage(640, 480), m_dir.filePath("in640.png").toStdString(), {});
        const auto [refused, refusedText] =
            run({"refine", m_dir.filePath("in640.png"), "-o", many, "--model", QString::fromStdString(m_sd15), "--prompt",
                 "a cat", "--tile", "64", "--overlap", "16", "--upscale-by", "10", "--vocab", vocab});
        QCOMPARE(refused, 1);
        QVERIFY2(refusedText.contains(QRegularExpression(
                     "tessera-cli: 6400 x 4800 in tiles of 64 px makes \\d+ tiles \\(over 10000\\): use a larger "
                     "--tile, or --force to run it anyway\n")),
                 qPrintable(refusedText));
        QVERIFY(!QFile::exists(many));

        // Ctrl+C during the steps: exit 130 and nothing written.
        const QString cancelled = m_dir.filePath("cancelled.png");
        QProcess cli;
        cli.start(TESSERA_CLI_PATH, {"refine", in, "-o", cancelled, "--model", QString::fromStdString(m_sd15), "--prompt",
                                     "a cat", "--tile", "64", "--steps", "400", "--denoise", "1", "--vocab", vocab});
        QVERIFY(cli.waitForStarted());
        QString seen;
        QTRY_VERIFY_WITH_TIMEOUT((seen += QString::fromUtf8(cli.readAllStandardError())).contains("tile"), 120000);
        ::kill(pid_t(cli.processId()), SIGINT);
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 130);
        QVERIFY(!QFile::exists(cancelled));
        QCOMPARE(run({"refine", in, "-o", out, "--model", QString::fromStdString(m_sd15), "--mode", "seams"}).first, 2);
#endif
    }
};

QTEST_GUILESS_MAIN(TestRefineJob)
#include "tst_refine_job.moc"

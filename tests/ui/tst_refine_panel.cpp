// The Refine and Workflow tabs on a tiny SD 1.5 checkpoint (real key
// structure, random weights, CPU fp32): the overlay draws the refine plan
// while the Refine tab is in front, the tile under the cursor refines as a
// preview, a refinement runs through the engine while the window keeps
// processing events, reports the tile and step, can be cancelled, and its
// result joins compare and export; a workflow from the opened image is
// compared with its upscaled image; the panel's settings (prompts included)
// are remembered.

// LibTorch headers first: Qt's `slots` / `signals` macros break them when
// they come after a Qt header.
#include "pipeline/refine_job.h"

#include "diffusion_fixtures.h"

#include "main_window.h"

#include "gui_test_util.h"

#include "bridge/engine_controller.h"
#include "bridge/refine_jobs.h"
#include "diffusion_tabs.h"
#include "panels/diffusion_widgets.h"
#include "panels/refine_panel.h"
#include "panels/workflow_panel.h"
#include "settings/settings_store.h"
#include "views/image_view.h"
#include "views/tile_overlay.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QGroupBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace tessera;

namespace {

const std::string kVocabulary = std::string(TESSERA_CLIP_TEST_DATA);
constexpr int kWidth = 96, kHeight = 64; // two 64 px tiles

/// A quick refinement: 64 px tiles, 2 euler steps at denoise 0.5 (one step runs).
RefineSettings quickRefine(RefineSettings s, const std::string& checkpoint)
{
    s.checkpoint = checkpoint;
    s.vocabularyPath = kVocabulary;
    s.prompt = "a photo of a cat";
    s.negativePrompt = "blurry";
    s.sampler = "euler";
    s.scheduler = "normal";
    s.steps = 2;
    s.cfg = 5.0;
    s.denoise = 0.5;
    s.seed = 7;
    s.tileSize = 64;
    s.overlap = -1;
    s.device = DeviceSpec{};
    s.precision = Precision::Fp32;
    return s;
}

/// Counts the timer's ticks while it runs: proof that the GUI thread keeps
/// turning its event loop during a run.
class Ticker {
public:
    Ticker()
    {
        QObject::connect(&m_timer, &QTimer::timeout, [this] { ++m_ticks; });
        m_timer.start(10);
    }
    int ticks() const { return m_ticks; }

private:
    QTimer m_timer;
    int m_ticks = 0;
};

} // namespace

class TestRefinePanel : public QObject {
    Q_OBJECT

    QTemporaryDir m_config;
    QTemporaryDir m_models;
    QTemporaryDir m_images;
    std::string m_checkpoint;
    QString m_imagePath;
    /// One window for the runs, so its engine loads the checkpoint once.
    std::unique_ptr<MainWindow> m_window;

    /// The window with the image open, the tiny checkpoint chosen with
    /// quickRefine's settings, and the Refine tab in front.
    MainWindow& preparedWindow()
    {
        MainWindow& window = *m_window;
        window.refinePanel()->setSettings(quickRefine(window.refinePanel()->settings(), m_checkpoint));
        window.showRefineTab();
        return window;
    }

private slots:
    void initTestCase()
    {
        if (!QDir(QString::fromStdString(kVocabulary)).exists())
            QSKIP("the CLIP vocabulary is not in ../shared/data/clip beside the checkout");
        QVERIFY(m_config.isValid() && m_models.isValid() && m_images.isValid());
        test::isolateSettings(m_config, QStringLiteral("tst_refine_panel"));
        m_checkpoint = test::composeTinyCheckpoint(m_models, "sd15");
        qputenv("TESSERA_MODELS", QFile::encodeName(m_models.path()));
        m_imagePath = test::writeGradientImage(m_images, QStringLiteral("small.png"), kWidth, kHeight);

        m_window = std::make_unique<MainWindow>();
        MainWindow& window = *m_window;
        window.setQuietErrors(true);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(test::openAndWait(window, m_imagePath));
        // The scan of the models folder lists the checkpoint in both panels.
        QTRY_VERIFY_WITH_TIMEOUT(
            window.refinePanel()->checkpointCombo()->findData(QString::fromStdString(m_checkpoint)) >= 0, 20000);
        QVERIFY(window.workflowPanel()->baseCombo()->findData(QString::fromStdString(m_checkpoint)) >= 0);
    }

    void cleanupTestCase()
    {
        m_window.reset();
    }

    void overlayDrawsTheRefinePlanAndTheHoveredTilePreviews()
    {
        MainWindow& window = preparedWindow();
        QTRY_VERIFY(window.diffusionTabs()->refineActive());
        RefineJob job;
        const RefinePlan plan = job.plan(window.refinePanel()->settings(), kWidth, kHeight);
        QVERIFY(plan.tiles.tileCount() > 1);
        QTRY_COMPARE(window.tileOverlay()->plan().tileCount(), plan.tiles.tileCount());
        QCOMPARE(window.tileOverlay()->plan().tiles()[1].area.x, plan.tiles.tiles()[1].area.x);
        // The upscale side re-planning leaves the Refine tab's overlay alone.
        window.upscalePanel()->setSettings(window.upscalePanel()->settings());
        QCOMPARE(window.tileOverlay()->plan().tileCount(), plan.tiles.tileCount());

        // The tile under the cursor refines alone and comes back over its area.
        QSignalSpy partials(window.engine(), &EngineController::jobPartial);
        window.refinePanel()->previewCheck()->setChecked(true);
        QVERIFY(window.refinePanel()->livePreview());
        window.tileOverlay()->setHoveredTile(1);
        QTRY_VERIFY_WITH_TIMEOUT(!partials.isEmpty(), 20000);
        const auto partial = partials.last().at(1).value<JobPartial>();
        QCOMPARE(partial.kind, JobPartial::Kind::Preview);
        QCOMPARE(partial.tileIndex, 1);
        const TileRect area = plan.tiles.tiles()[1].area;
        QCOMPARE(partial.outputRect.topLeft(), QPoint(area.x, area.y));
        QCOMPARE(partial.pixels.width(), std::min(area.width, kWidth - area.x));
        QCOMPARE(partial.pixels.height(), std::min(area.height, kHeight - area.y));

        // The Upscale tab in front: the overlay goes back to the upscale plan.
        window.refinePanel()->previewCheck()->setChecked(false);
        window.findChild<QDockWidget*>(QStringLiteral("upscaleDock"))->raise();
        QTRY_VERIFY(!window.diffusionTabs()->refineActive());
        QCOMPARE(window.tileOverlay()->plan().tileCount(), window.plan().tiles.tileCount());
    }

    void refineRunsWhileTheWindowKeepsTurning()
    {
        MainWindow& window = preparedWindow();
        QTRY_VERIFY(window.diffusionTabs()->refineActive());
        RefineSettings s = window.refinePanel()->settings();
        s.mode = RefineMode::Tiles; // marks each tile as it starts
        window.refinePanel()->setSettings(s);
        RefineJob job;
        const RefinePlan plan = job.plan(window.refinePanel()->settings(), kWidth, kHeight);
        QTRY_COMPARE(window.tileOverlay()->plan().tileCount(), plan.tiles.tileCount());

        QSignalSpy ended(&window, &MainWindow::runEnded);
        QSignalSpy progress(window.engine(), &EngineController::jobProgress);
        QSignalSpy partials(window.engine(), &EngineController::jobPartial);
        const Ticker ticker;
        QTest::mouseClick(window.refinePanel()->runControls()->runButton(), Qt::LeftButton);
        QVERIFY(window.isRunning());
        QVERIFY(test::waitFor(ended, 60000));
        QVERIFY(ended.first().at(0).toBool());
        // The timer fired while the engine worked: the GUI thread never waited.
        QVERIFY2(ticker.ticks() >= 5, qPrintable(QString::number(ticker.ticks())));

        QVERIFY(window.result());
        QCOMPARE(window.result()->width(), kWidth);
        QCOMPARE(window.result()->height(), kHeight);
        QCOMPARE(window.tileOverlay()->plan().tileCount(), plan.tiles.tileCount());
        // Compare: the refined image after, the opened image before.
        QVERIFY(window.imageView()->isComparing());
        QCOMPARE(window.imageView()->image().size(), QSize(kWidth, kHeight));

        bool sawTileAndStep = false;
        for (const QList<QVariant>& report : progress)
            sawTileAndStep = sawTileAndStep || report.at(1).value<JobProgress>().stage.contains(QStringLiteral("step"));
        QVERIFY(sawTileAndStep);
        int started = 0;
        for (const QList<QVariant>& report : partials)
            started += report.at(1).value<JobPartial>().kind == JobPartial::Kind::TileStarted ? 1 : 0;
        QCOMPARE(started, plan.tiles.tileCount());

        // The result exports like an upscale's.
        const QString exported = m_images.filePath(QStringLiteral("refined.png"));
        QVERIFY(test::exportAndWait(window, exported, 8, 95, true));
        QVERIFY(QFileInfo::exists(exported));
    }

    void cancelStopsTheRun()
    {
        MainWindow& window = preparedWindow();
        QTRY_VERIFY(window.diffusionTabs()->refineActive());
        RefineSettings s = window.refinePanel()->settings();
        s.steps = 200;
        s.denoise = 1.0;
        window.refinePanel()->setSettings(s);
        QSignalSpy ended(&window, &MainWindow::runEnded);
        QSignalSpy progress(window.engine(), &EngineController::jobProgress);
        window.diffusionTabs()->startRefine();
        QVERIFY(window.isRunning());
        // Cancel once the sampler is stepping (after the encode).
        QTRY_VERIFY_WITH_TIMEOUT(progress.size() >= 3, 30000);
        QElapsedTimer sinceCancel;
        sinceCancel.start();
        QTest::mouseClick(window.refinePanel()->runControls()->cancelButton(), Qt::LeftButton);
        QVERIFY(test::waitFor(ended, 10000));
        QVERIFY(!ended.first().at(0).toBool());
        // Within a step or so of the tiny model, not after the 200 steps.
        QVERIFY2(sinceCancel.elapsed() < 5000, qPrintable(QString::number(sinceCancel.elapsed())));
        QVERIFY(!window.isRunning());
    }

    void workflowFromTheImageComparesWithTheUpscale()
    {
        MainWindow& window = preparedWindow();
        QTRY_VERIFY(window.diffusionTabs()->refineActive());
        WorkflowPanel* panel = window.workflowPanel();
        WorkflowSettings s = panel->settings();
        s.generation.checkpoint = m_checkpoint;
        s.generation.vocabularyPath = kVocabulary;
        s.generation.precision = Precision::Fp32;
        s.upscaleBy = 1.5; // no upscale model: the resize alone, to 144 x 96
        s.refine = quickRefine(s.refine, m_checkpoint);
        s.refine.tileSize = 128;
        panel->setSettings(s);
        panel->setStartFromImage(true);

        QSignalSpy ended(&window, &MainWindow::runEnded);
        QTest::mouseClick(panel->runControls()->runButton(), Qt::LeftButton);
        QVERIFY(test::waitFor(ended, 60000));
        QVERIFY(ended.first().at(0).toBool());
        QVERIFY(window.result());
        QCOMPARE(window.result()->width(), kWidth * 3 / 2);
        QCOMPARE(window.result()->height(), kHeight * 3 / 2);
        // The refined image is shown, compared with the upscaled one (not the opened image).
        QVERIFY(window.imageView()->isComparing());
        QCOMPARE(window.imageView()->image().size(), QSize(kWidth * 3 / 2, kHeight * 3 / 2));
        QCOMPARE(window.imageView()->compareImage().size(), QSize(kWidth * 3 / 2, kHeight * 3 / 2));
    }

    void settingsAreRemembered()
    {
        const QStringList samplers = diffusionSamplerNames(), schedulers = diffusionSchedulerNames();
        QVERIFY(samplers.contains(QStringLiteral("euler")));
        RefinePanel panel(samplers, schedulers);
        RefineSettings s = quickRefine(panel.settings(), m_checkpoint);
        s.prompt = "a red fox in the snow, (detailed:1.2)";
        s.negativePrompt = "blurry, lowres";
        s.seed = 18446744073709551557ull; // beyond int64
        s.mode = RefineMode::Pixel;
        s.hyperTile = sd::HyperTileOptions{};
        s.hyperTile->tileSize = 128;
        s.hyperTile->maxDepth = 1;
        panel.setSettings(s);
        QVERIFY(panel.hyperTileBox()->isChecked());
        SettingsStore store;
        store.setRefine(panel.settings());

        RefinePanel restored(samplers, schedulers);
        restored.setSettings(store.refine(restored.settings()));
        const RefineSettings r = restored.settings();
        QCOMPARE(r.prompt, s.prompt);
        QCOMPARE(r.negativePrompt, s.negativePrompt);
        QCOMPARE(r.checkpoint, s.checkpoint);
        QCOMPARE(r.sampler, std::string("euler"));
        QCOMPARE(r.steps, 2);
        QCOMPARE(r.denoise, 0.5);
        QCOMPARE(r.seed, s.seed);
        QCOMPARE(r.mode, RefineMode::Pixel);
        QCOMPARE(r.tileSize, 64);
        QVERIFY(r.hyperTile.has_value());
        QCOMPARE(r.hyperTile->tileSize, 128);
        QCOMPARE(r.hyperTile->maxDepth, 1);

        // The dice draws a new seed.
        const uint64_t before = restored.seedEdit()->seed();
        QTest::mouseClick(restored.seedEdit()->diceButton(), Qt::LeftButton);
        QVERIFY(restored.seedEdit()->seed() != before);

        // The window remembers its panels' prompts when it closes.
        {
            MainWindow window;
            window.refinePanel()->promptEdit()->setPlainText(QStringLiteral("a lighthouse at dusk"));
            window.close();
        }
        MainWindow reopened;
        QCOMPARE(reopened.refinePanel()->promptEdit()->toPlainText(), QStringLiteral("a lighthouse at dusk"));
    }
};

QTEST_MAIN(TestRefinePanel)
#include "tst_refine_panel.moc"

// The main window without running a model: the overlay shows the very plan
// core makes from the panel's settings (the upscale job's own plan, input
// multiple included), follows every slider step at once, and the settings
// and presets survive a restart.

// LibTorch headers first: Qt's `slots` / `signals` macros break them when
// they come after a Qt header.
#include "models/loaders/safetensors.h"
#include "pipeline/upscale_job.h"

#include "main_window.h"

#include "gui_test_util.h"

#include "bridge/engine_controller.h"
#include "bridge/file_jobs.h"
#include "io/image_reader.h"
#include "views/image_view.h"
#include "views/tile_overlay.h"

#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTest>
#include <QElapsedTimer>
#include <QTimer>

using namespace tessera;

namespace {

/// The plan the window should show: core's plan for the image, the panel's
/// settings and the chosen model.
TilePlan expectedPlan(const MainWindow& window, int width, int height)
{
    const ModelChoice* model = window.upscalePanel()->currentModel();
    return planUpscale(model ? model->info : ModelInfo{}, window.upscalePanel()->settings().job, width, height).tiles;
}

/// Fails unless the overlay's plan and geometry are exactly `plan`'s.
bool overlayShows(const TileOverlay& overlay, const TilePlan& plan, QString* why)
{
    const TilePlan& shown = overlay.plan();
    if (shown.tileCount() != plan.tileCount() || shown.rows() != plan.rows() || shown.columns() != plan.columns()) {
        *why = QStringLiteral("tile count %1 (%2 x %3), expected %4 (%5 x %6)")
                   .arg(shown.tileCount()).arg(shown.columns()).arg(shown.rows())
                   .arg(plan.tileCount()).arg(plan.columns()).arg(plan.rows());
        return false;
    }
    if (shown.outputWidth() != plan.outputWidth() || shown.outputHeight() != plan.outputHeight()) {
        *why = QStringLiteral("output size differs");
        return false;
    }
    for (const Tile& t : plan.tiles()) {
        const TileGeometry& g = overlay.geometry().at(size_t(t.index));
        if (g.area != QRect(t.area.x, t.area.y, t.area.width, t.area.height)
            || g.halo != QRect(t.halo.x, t.halo.y, t.halo.width, t.halo.height)
            || g.blend != QRect(t.blend.x, t.blend.y, t.blend.width, t.blend.height)) {
            *why = QStringLiteral("tile %1 differs").arg(t.index);
            return false;
        }
    }
    return true;
}

/// A random-weight ESRGAN (BasicSR keys, 1 block, nf 8, gc 4) that
/// pixel-unshuffles its input by `unshuffle` (2: x2, 4: x1), as Real-ESRGAN's
/// x2plus does: its input must be a multiple of `unshuffle`.
void writeUnshuffleEsrgan(const QString& path, int unshuffle)
{
    at::manual_seed(7);
    StateDict weights;
    auto conv = [&](const std::string& name, int64_t in, int64_t out) {
        weights[name + ".weight"] = at::randn({out, in, 3, 3}) * 0.05;
        weights[name + ".bias"] = at::zeros({out});
    };
    const int64_t nf = 8, gc = 4;
    conv("conv_first", 3 * unshuffle * unshuffle, nf);
    for (int j = 1; j <= 3; ++j)
        for (int k = 1; k <= 5; ++k)
            conv("body.0.rdb" + std::to_string(j) + ".conv" + std::to_string(k), nf + (k - 1) * gc, k == 5 ? nf : gc);
    for (const char* name : {"conv_body", "conv_up1", "conv_up2", "conv_hr"})
        conv(name, nf, nf);
    conv("conv_last", nf, 3);
    saveSafetensors(path.toStdString(), weights);
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_config;
    QTemporaryDir m_files;
    QTemporaryDir m_models;
    QString m_imagePath;

    void setTiles(MainWindow& window, int tile, int overlap, int halo)
    {
        UpscalePanelSettings s = window.upscalePanel()->settings();
        s.job.tileSize = tile;
        s.job.overlap = overlap;
        s.job.halo = halo;
        window.upscalePanel()->setSettings(s);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        QVERIFY(m_files.isValid());
        test::isolateSettings(m_config, QStringLiteral("tst_main_window"));
        // One small model when it is there (the plan then has its scale), none otherwise.
        test::useModelsFolder(m_models, {QStringLiteral("2x-AniScale.pth")});
        m_imagePath = test::writeGradientImage(m_files, QStringLiteral("gradient.png"), 1000, 700);
    }

    void init()
    {
        QSettings().clear();
    }

    void overlayEqualsPlanAfterOpening_data()
    {
        QTest::addColumn<int>("tile");
        QTest::addColumn<int>("overlap");
        QTest::addColumn<int>("halo");
        QTest::newRow("defaults") << 512 << 51 << 32;
        QTest::newRow("small tiles") << 128 << 12 << 16;
        QTest::newRow("no overlap, no halo") << 250 << 0 << 0;
        QTest::newRow("one tile") << 2048 << 100 << 64;
    }

    void overlayEqualsPlanAfterOpening()
    {
        QFETCH(int, tile);
        QFETCH(int, overlap);
        QFETCH(int, halo);
        MainWindow window;
        window.setQuietErrors(true);
        test::waitForModels(window);
        QVERIFY(window.tileOverlay()->geometry().empty()); // no image yet
        setTiles(window, tile, overlap, halo);
        QVERIFY(test::openAndWait(window, m_imagePath));
        QCOMPARE(window.imageView()->image().size(), QSize(1000, 700));
        QString why;
        QVERIFY2(overlayShows(*window.tileOverlay(), expectedPlan(window, 1000, 700), &why), qPrintable(why));
        QCOMPARE(window.tileOverlay()->plan().settings().tileSize, tile);
        QCOMPARE(window.tileOverlay()->plan().settings().overlap, overlap);
        QCOMPARE(window.tileOverlay()->plan().settings().halo, halo);
    }

    void overlayPlanIsTheJobsPlan_data()
    {
        QTest::addColumn<int>("unshuffle");
        QTest::addColumn<int>("multiple");
        QTest::newRow("ESRGAN x2, pixel-unshuffle 2") << 2 << 2;
        QTest::newRow("ESRGAN x1, pixel-unshuffle 4") << 4 << 4;
    }

    void overlayPlanIsTheJobsPlan()
    {
        // The overlay draws what the upscale job will run: the same tiles,
        // halos padded to the model's input multiple on the right and bottom.
        QFETCH(int, unshuffle);
        QFETCH(int, multiple);
        const QString model = m_files.filePath(QStringLiteral("esrgan-unshuffle%1.safetensors").arg(unshuffle));
        writeUnshuffleEsrgan(model, unshuffle);
        MainWindow window;
        window.setQuietErrors(true);
        QVERIFY(test::selectModelAndWait(window, model));
        setTiles(window, 250, 20, 9); // 250 + 2 * 9 is no multiple of 4
        QVERIFY(test::openAndWait(window, m_imagePath));

        UpscaleJob job;
        const UpscaleSettings settings = window.upscalePanel()->settings().job;
        const UpscalePlan jobPlan = job.plan(settings, 1000, 700);
        QCOMPARE(jobPlan.tiles.settings().inputMultiple, multiple);
        QCOMPARE(window.plan().tiles.settings().inputMultiple, multiple);
        QCOMPARE(window.tileOverlay()->plan().paddedWidth() % multiple, 0);
        QString why;
        QVERIFY2(overlayShows(*window.tileOverlay(), jobPlan.tiles, &why), qPrintable(why));
        QCOMPARE(window.tileOverlay()->plan().paddedWidth(), jobPlan.tiles.paddedWidth());
        QCOMPARE(window.tileOverlay()->plan().haloRight(), jobPlan.tiles.haloRight());
    }

    void slidersUpdateTheOverlayAtOnce()
    {
        MainWindow window;
        window.setQuietErrors(true);
        test::waitForModels(window);
        setTiles(window, 512, 32, 32);
        QVERIFY(test::openAndWait(window, m_imagePath));
        UpscalePanel* panel = window.upscalePanel();
        TileOverlay* overlay = window.tileOverlay();
        QString why;
        QCOMPARE(overlay->plan().tileCount(), 6); // 3 x 2: the last column shifts inward

        // Tile size: every slider step re-plans synchronously.
        for (int tile : {256, 320, 128, 1024, 512}) {
            panel->tileSlider()->setValue(tile);
            QCOMPARE(panel->tileSpin()->value(), tile);
            QCOMPARE(overlay->plan().settings().tileSize, tile);
            QVERIFY2(overlayShows(*overlay, expectedPlan(window, 1000, 700), &why), qPrintable(why));
        }
        panel->tileSlider()->setValue(256);
        const int before = overlay->plan().tileCount();
        QCOMPARE(before, 15); // 5 x 3
        // The keyboard moves the slider by one step (32 px), as a person would.
        panel->tileSlider()->setFocus();
        QTest::keyClick(panel->tileSlider(), Qt::Key_Right);
        QCOMPARE(overlay->plan().settings().tileSize, 288);
        QVERIFY2(overlayShows(*overlay, expectedPlan(window, 1000, 700), &why), qPrintable(why));

        // Overlap and halo.
        panel->tileSlider()->setValue(256);
        panel->overlapSlider()->setValue(100);
        QCOMPARE(overlay->plan().settings().overlap, 100);
        QVERIFY(overlay->plan().tileCount() > before); // more overlap, more tiles
        QVERIFY2(overlayShows(*overlay, expectedPlan(window, 1000, 700), &why), qPrintable(why));
        panel->haloSlider()->setValue(64);
        QCOMPARE(overlay->plan().settings().halo, 64);
        QCOMPARE(overlay->geometry().front().halo, QRect(-64, -64, 256 + 128, 256 + 128));
        QVERIFY2(overlayShows(*overlay, expectedPlan(window, 1000, 700), &why), qPrintable(why));

        // An impossible plan (overlap above half the tile) empties the overlay
        // instead of drawing a stale one.
        panel->tileSlider()->setValue(128);
        QVERIFY(overlay->geometry().empty());
        panel->overlapSlider()->setValue(16);
        QVERIFY2(overlayShows(*overlay, expectedPlan(window, 1000, 700), &why), qPrintable(why));
    }

    void failedOpenKeepsTheImage()
    {
        MainWindow window;
        window.setQuietErrors(true);
        test::waitForModels(window);
        QVERIFY(test::openAndWait(window, m_imagePath));
        const int tiles = window.tileOverlay()->plan().tileCount();
        QSignalSpy errors(&window, &MainWindow::errorOccurred);
        QVERIFY(!test::openAndWait(window, m_files.filePath(QStringLiteral("missing.png"))));
        QCOMPARE(errors.count(), 1);
        QVERIFY(errors.first().at(1).toString().contains(QStringLiteral("missing.png")));
        QCOMPARE(window.imageView()->image().size(), QSize(1000, 700));
        QCOMPARE(window.tileOverlay()->plan().tileCount(), tiles);
        QCOMPARE(window.result(), nullptr);
    }

    void gridToggleHidesTheOverlay()
    {
        MainWindow window;
        window.setQuietErrors(true);
        test::waitForModels(window);
        QVERIFY(test::openAndWait(window, m_imagePath));
        UpscalePanelSettings s = window.upscalePanel()->settings();
        s.showGrid = false;
        window.upscalePanel()->setSettings(s);
        QVERIFY(!window.tileOverlay()->isVisible());
        s.showGrid = true;
        window.upscalePanel()->setSettings(s);
        QVERIFY(window.tileOverlay()->isVisible());
    }

    void settingsSurviveARestart()
    {
        UpscalePanelSettings chosen;
        {
            MainWindow window;
            window.setQuietErrors(true);
            test::waitForModels(window);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            UpscalePanel* panel = window.upscalePanel();
            panel->tileSlider()->setValue(384);
            panel->overlapSlider()->setValue(40);
            UpscalePanelSettings s = panel->settings();
            s.job.halo = 200; // beyond the halo slider's range (0-128): the spin box allows it
            s.job.blend = BlendRamp::Gaussian;
            s.job.outputScale = 3;
            s.livePreview = false;
            s.showGrid = false;
            panel->setSettings(s);
            chosen = panel->settings();
            QCOMPARE(chosen.job.tileSize, 384);
            QCOMPARE(chosen.job.overlap, 40);
            QCOMPARE(chosen.job.halo, 200);
            QCOMPARE(chosen.job.blend, BlendRamp::Gaussian);
            QVERIFY(window.close()); // closeEvent saves
        }
        MainWindow restored;
        test::waitForModels(restored);
        const UpscalePanelSettings back = restored.upscalePanel()->settings();
        QCOMPARE(back.job.tileSize, chosen.job.tileSize);
        QCOMPARE(back.job.overlap, chosen.job.overlap);
        QCOMPARE(back.job.halo, chosen.job.halo);
        QCOMPARE(back.job.blend, chosen.job.blend);
        QCOMPARE(back.job.outputScale, chosen.job.outputScale);
        QCOMPARE(back.livePreview, chosen.livePreview);
        QCOMPARE(back.showGrid, chosen.showGrid);
        QCOMPARE(back.job.modelPath, chosen.job.modelPath);
        QCOMPARE(restored.upscalePanel()->tileSlider()->value(), 384);
    }

    void presetsRoundTrip()
    {
        MainWindow window;
        window.setQuietErrors(true);
        test::waitForModels(window);
        QVERIFY(window.presetNames().isEmpty());
        setTiles(window, 192, 24, 48);
        UpscalePanelSettings s = window.upscalePanel()->settings();
        s.job.blend = BlendRamp::Linear;
        window.upscalePanel()->setSettings(s);
        window.savePresetAs(QStringLiteral("fine seams"));
        setTiles(window, 1024, 100, 8);
        s = window.upscalePanel()->settings();
        s.job.blend = BlendRamp::Smoothstep;
        window.upscalePanel()->setSettings(s);
        window.savePresetAs(QStringLiteral("big"));
        QCOMPARE(window.presetNames(), QStringList({QStringLiteral("big"), QStringLiteral("fine seams")}));

        QVERIFY(window.applyPreset(QStringLiteral("fine seams")));
        s = window.upscalePanel()->settings();
        QCOMPARE(s.job.tileSize, 192);
        QCOMPARE(s.job.overlap, 24);
        QCOMPARE(s.job.halo, 48);
        QCOMPARE(s.job.blend, BlendRamp::Linear);
        QVERIFY(!window.applyPreset(QStringLiteral("no such preset")));
        QCOMPARE(window.upscalePanel()->settings().job.tileSize, 192);

        // A preset applied to an open image re-plans the overlay.
        QVERIFY(test::openAndWait(window, m_imagePath));
        QVERIFY(window.applyPreset(QStringLiteral("big")));
        QCOMPARE(window.tileOverlay()->plan().settings().tileSize, 1024);
        QString why;
        QVERIFY2(overlayShows(*window.tileOverlay(), expectedPlan(window, 1000, 700), &why), qPrintable(why));

        // Presets live in the settings: a new window sees them.
        MainWindow other;
        QCOMPARE(other.presetNames().size(), 2);
    }

    void exportReportsProgressWhileTheWindowTurns()
    {
        // A large export runs on the file thread and reports its bands: the
        // GUI thread keeps serving a 10 ms timer all the while.
        EngineController engine;
        auto image = std::make_shared<const Image>(test::gradientImage(3072, 2048));
        const QString path = m_files.filePath(QStringLiteral("large.tif"));
        WriteOptions options;
        options.bits = 16;
        QSignalSpy progress(&engine, &EngineController::jobProgress);
        QSignalSpy finished(&engine, &EngineController::jobFinished);
        int ticks = 0;
        QTimer ticker;
        ticker.setInterval(10);
        connect(&ticker, &QTimer::timeout, this, [&] { ++ticks; });
        ticker.start();
        QElapsedTimer clock;
        clock.start();
        engine.submit(std::make_shared<ExportImageJob>(image, path, options));
        QVERIFY(test::waitFor(finished, 60000));
        const qint64 ms = clock.elapsed();
        qInfo("export took %lld ms: %d progress reports, %d timer ticks", ms, int(progress.count()), ticks);
        QVERIFY(progress.count() >= 2);
        QCOMPARE(progress.last().at(1).value<JobProgress>().done, 2048);
        QVERIFY2(ticks >= int(ms / 10 / 4), qPrintable(QStringLiteral("%1 ticks in %2 ms").arg(ticks).arg(ms)));
        QCOMPARE(readImage(path.toStdString()).width(), 3072);
    }

    void runWithoutImageReportsInsteadOfBlocking()
    {
        MainWindow window;
        window.setQuietErrors(true);
        test::waitForModels(window);
        QSignalSpy errors(&window, &MainWindow::errorOccurred);
        window.upscalePanel()->runButton()->click();
        QCOMPARE(errors.count(), 1);
        QVERIFY(!window.isRunning());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"

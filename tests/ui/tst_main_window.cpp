// The main window without running a model: the overlay shows the very plan
// core makes from the panel's settings, follows every slider step at once,
// and the settings and presets survive a restart.
#include "main_window.h"

#include "gui_test_util.h"

#include "bridge/engine_controller.h"
#include "views/image_view.h"
#include "views/tile_overlay.h"

#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QTest>

using namespace tessera;

namespace {

/// The plan the window should show: core's TilePlan for the image and the
/// panel's settings, at the output scale the panel implies.
TilePlan expectedPlan(const MainWindow& window, int width, int height)
{
    const UpscaleSettings s = window.upscalePanel()->settings();
    const ModelChoice* model = window.upscalePanel()->currentModel();
    TileSettings tiles;
    tiles.tileSize = s.tileSize;
    tiles.overlap = s.overlap;
    tiles.halo = s.halo;
    tiles.scale = s.outputScale > 0 ? s.outputScale : (model ? model->scale : 1);
    return TilePlan(width, height, tiles);
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
        UpscaleSettings s = window.upscalePanel()->settings();
        s.tileSize = tile;
        s.overlap = overlap;
        s.halo = halo;
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
        QVERIFY(window.tileOverlay()->geometry().empty()); // no image yet
        setTiles(window, tile, overlap, halo);
        QVERIFY(window.openImage(m_imagePath));
        QCOMPARE(window.imageView()->image().size(), QSize(1000, 700));
        QString why;
        QVERIFY2(overlayShows(*window.tileOverlay(), expectedPlan(window, 1000, 700), &why), qPrintable(why));
        QCOMPARE(window.tileOverlay()->plan().settings().tileSize, tile);
        QCOMPARE(window.tileOverlay()->plan().settings().overlap, overlap);
        QCOMPARE(window.tileOverlay()->plan().settings().halo, halo);
    }

    void slidersUpdateTheOverlayAtOnce()
    {
        MainWindow window;
        window.setQuietErrors(true);
        setTiles(window, 512, 32, 32);
        QVERIFY(window.openImage(m_imagePath));
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
        QVERIFY(window.openImage(m_imagePath));
        const int tiles = window.tileOverlay()->plan().tileCount();
        QSignalSpy errors(&window, &MainWindow::errorOccurred);
        QVERIFY(!window.openImage(m_files.filePath(QStringLiteral("missing.png"))));
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
        QVERIFY(window.openImage(m_imagePath));
        UpscaleSettings s = window.upscalePanel()->settings();
        s.showGrid = false;
        window.upscalePanel()->setSettings(s);
        QVERIFY(!window.tileOverlay()->isVisible());
        s.showGrid = true;
        window.upscalePanel()->setSettings(s);
        QVERIFY(window.tileOverlay()->isVisible());
    }

    void settingsSurviveARestart()
    {
        UpscaleSettings chosen;
        {
            MainWindow window;
            window.setQuietErrors(true);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            UpscalePanel* panel = window.upscalePanel();
            panel->tileSlider()->setValue(384);
            panel->overlapSlider()->setValue(40);
            UpscaleSettings s = panel->settings();
            s.halo = 200; // beyond the halo slider's range (0-128): the spin box allows it
            s.blend = QStringLiteral("gaussian");
            s.outputScale = 3;
            s.livePreview = false;
            s.showGrid = false;
            panel->setSettings(s);
            chosen = panel->settings();
            QCOMPARE(chosen.tileSize, 384);
            QCOMPARE(chosen.overlap, 40);
            QCOMPARE(chosen.halo, 200);
            QCOMPARE(chosen.blend, QStringLiteral("gaussian"));
            QVERIFY(window.close()); // closeEvent saves
        }
        MainWindow restored;
        const UpscaleSettings back = restored.upscalePanel()->settings();
        QCOMPARE(back.tileSize, chosen.tileSize);
        QCOMPARE(back.overlap, chosen.overlap);
        QCOMPARE(back.halo, chosen.halo);
        QCOMPARE(back.blend, chosen.blend);
        QCOMPARE(back.outputScale, chosen.outputScale);
        QCOMPARE(back.livePreview, chosen.livePreview);
        QCOMPARE(back.showGrid, chosen.showGrid);
        QCOMPARE(back.modelPath, chosen.modelPath);
        QCOMPARE(restored.upscalePanel()->tileSlider()->value(), 384);
    }

    void presetsRoundTrip()
    {
        MainWindow window;
        window.setQuietErrors(true);
        QVERIFY(window.presetNames().isEmpty());
        setTiles(window, 192, 24, 48);
        UpscaleSettings s = window.upscalePanel()->settings();
        s.blend = QStringLiteral("linear");
        window.upscalePanel()->setSettings(s);
        window.savePresetAs(QStringLiteral("fine seams"));
        setTiles(window, 1024, 100, 8);
        s = window.upscalePanel()->settings();
        s.blend = QStringLiteral("smooth");
        window.upscalePanel()->setSettings(s);
        window.savePresetAs(QStringLiteral("big"));
        QCOMPARE(window.presetNames(), QStringList({QStringLiteral("big"), QStringLiteral("fine seams")}));

        QVERIFY(window.applyPreset(QStringLiteral("fine seams")));
        s = window.upscalePanel()->settings();
        QCOMPARE(s.tileSize, 192);
        QCOMPARE(s.overlap, 24);
        QCOMPARE(s.halo, 48);
        QCOMPARE(s.blend, QStringLiteral("linear"));
        QVERIFY(!window.applyPreset(QStringLiteral("no such preset")));
        QCOMPARE(window.upscalePanel()->settings().tileSize, 192);

        // A preset applied to an open image re-plans the overlay.
        QVERIFY(window.openImage(m_imagePath));
        QVERIFY(window.applyPreset(QStringLiteral("big")));
        QCOMPARE(window.tileOverlay()->plan().settings().tileSize, 1024);
        QString why;
        QVERIFY2(overlayShows(*window.tileOverlay(), expectedPlan(window, 1000, 700), &why), qPrintable(why));

        // Presets live in the settings: a new window sees them.
        MainWindow other;
        QCOMPARE(other.presetNames().size(), 2);
    }

    void runWithoutImageReportsInsteadOfBlocking()
    {
        MainWindow window;
        window.setQuietErrors(true);
        QSignalSpy errors(&window, &MainWindow::errorOccurred);
        window.upscalePanel()->runButton()->click();
        QCOMPARE(errors.count(), 1);
        QVERIFY(!window.engine()->isRunning());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"

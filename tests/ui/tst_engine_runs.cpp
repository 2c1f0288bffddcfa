// The GUI with a real model (2x-AniScale, SRVGGNetCompact): previews are
// "latest wins", a full run gives the right size while the event loop keeps
// turning, a cancel leaves no result, and exports round-trip.
#include "main_window.h"

#include "gui_test_util.h"

#include "bridge/engine_controller.h"
#include "io/image_reader.h"
#include "views/image_view.h"
#include "views/tile_overlay.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cstring>
#include <set>

using namespace tessera;

namespace {

constexpr int kPreviewPatch = -1; // MainWindow's patch key of the live preview

QByteArray readBytes(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestEngineRuns : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_config;
    QTemporaryDir m_files;
    QTemporaryDir m_models;
    QString m_model;
    std::unique_ptr<MainWindow> m_window; ///< keeps the result of fullRun for the export tests

    /// A window with the model selected and the tile settings applied.
    std::unique_ptr<MainWindow> makeWindow(int tile, int overlap, int halo)
    {
        auto window = std::make_unique<MainWindow>();
        window->setQuietErrors(true);
        window->setModelPath(m_model);
        UpscaleSettings s = window->upscalePanel()->settings();
        s.tileSize = tile;
        s.overlap = overlap;
        s.halo = halo;
        s.outputScale = 0;
        s.livePreview = true;
        window->upscalePanel()->setSettings(s);
        return window;
    }

    UpscaleSettings previewSettings() const
    {
        UpscaleSettings s;
        s.modelPath = m_model;
        s.tileSize = 48;
        s.overlap = 8;
        s.halo = 16;
        return s;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        QVERIFY(m_files.isValid());
        test::isolateSettings(m_config, QStringLiteral("tst_engine_runs"));
        const QString real = test::modelsFolder() + QStringLiteral("/2x-AniScale.pth");
        const QStringList linked = test::useModelsFolder(m_models, {QStringLiteral("2x-AniScale.pth")});
        if (linked.isEmpty())
            QSKIP(qPrintable("model not found: " + real + " (run scripts/setup.sh or set TESSERA_MODELS)"));
        m_model = linked.first();
    }

    void controllerDeliversOnlyTheLatestPreview()
    {
        EngineController engine;
        auto image = std::make_shared<const Image>(test::gradientImage(160, 120));
        engine.setImage(image);
        QSignalSpy ready(&engine, &EngineController::previewReady);
        QSignalSpy failed(&engine, &EngineController::previewFailed);
        const UpscaleSettings settings = previewSettings();
        TileSettings tiles;
        tiles.tileSize = settings.tileSize;
        tiles.overlap = settings.overlap;
        tiles.halo = settings.halo;
        tiles.scale = 2;
        const TilePlan plan(160, 120, tiles);

        // The first request loads the model.
        const quint64 first = engine.requestPreview(settings, 0);
        QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 20000);
        QCOMPARE(ready.first().at(0).toULongLong(), first);
        ready.clear();

        // Bursts of requests, some while the worker is busy with an older one:
        // only the newest of each burst may come back.
        for (int burst = 0; burst < 3; ++burst) {
            quint64 last = 0;
            int lastTile = 0;
            for (int i = 0; i < 8; ++i) {
                lastTile = (burst * 5 + i * 3) % plan.tileCount();
                last = engine.requestPreview(settings, lastTile);
                QCOMPARE(engine.latestPreviewId(), last);
                if (i % 3 == 1)
                    QTest::qWait(15); // let the worker start on this one
            }
            QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty(), 20000);
            QTest::qWait(200); // time for any stale result to arrive (it must not)
            QCOMPARE(ready.count(), 1);
            QCOMPARE(ready.first().at(0).toULongLong(), last);
            const TileRect expected = plan.toOutput(plan.tiles()[size_t(lastTile)].area);
            QCOMPARE(ready.first().at(1).toRect(), QRect(expected.x, expected.y, expected.width, expected.height));
            QCOMPARE(ready.first().at(2).value<QImage>().size(), QSize(expected.width, expected.height));
            ready.clear();
        }
        QCOMPARE(failed.count(), 0);

        // A cancelled request delivers nothing at all.
        engine.requestPreview(settings, 1);
        engine.cancelPreview();
        QTest::qWait(300);
        QCOMPARE(ready.count(), 0);
    }

    void windowShowsOnlyTheLatestPreviewPatch()
    {
        const QString path = test::writeGradientImage(m_files, QStringLiteral("preview.png"), 160, 120);
        auto window = makeWindow(48, 8, 16);
        QVERIFY(window->openImage(path));
        TileOverlay* overlay = window->tileOverlay();
        ImageView* view = window->imageView();
        QVERIFY(overlay->plan().tileCount() >= 9);
        QSignalSpy ready(window->engine(), &EngineController::previewReady);
        // Whenever a preview is painted (the window's handler runs first), it
        // is the newest request's and lies on the tile under the cursor.
        int painted = 0;
        QStringList wrong;
        connect(window->engine(), &EngineController::previewReady, this, [&](quint64 id) {
            ++painted;
            const int hovered = overlay->hoveredTile();
            if (id != window->engine()->latestPreviewId() || hovered < 0
                || view->patchRect(kPreviewPatch) != QRectF(overlay->geometry()[size_t(hovered)].area))
                wrong << QStringLiteral("preview %1 painted while tile %2 is hovered").arg(id).arg(hovered);
        });

        // Hover one tile and let its preview arrive (loads the model).
        overlay->setHoveredTile(0);
        QTRY_VERIFY_WITH_TIMEOUT(!view->patchRect(kPreviewPatch).isEmpty(), 20000);
        QCOMPARE(view->patchRect(kPreviewPatch), QRectF(overlay->geometry()[0].area));

        // Move over several tiles, each long enough for its request to go out
        // (the window waits 120 ms for the cursor to settle): only the last
        // tile's preview may end up on screen.
        const std::vector<int> tiles = {4, 7, 2, 5};
        for (int tile : tiles) {
            overlay->setHoveredTile(tile);
            QVERIFY(view->patchRect(kPreviewPatch).isEmpty()); // the old preview goes at once
            QTest::qWait(140);
        }
        const int last = tiles.back();
        QTRY_VERIFY_WITH_TIMEOUT(!view->patchRect(kPreviewPatch).isEmpty(), 20000);
        QTest::qWait(300);
        QCOMPARE(view->patchRect(kPreviewPatch), QRectF(overlay->geometry()[size_t(last)].area));
        QCOMPARE(ready.last().at(0).toULongLong(), window->engine()->latestPreviewId());
        QVERIFY(painted >= 2);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QLatin1Char('\n'))));

        // Changing a setting drops the preview on screen (it no longer matches).
        window->upscalePanel()->haloSlider()->setValue(20);
        QVERIFY(view->patchRect(kPreviewPatch).isEmpty());
    }

    void fullRunKeepsTheWindowResponsive()
    {
        const QString path = test::writeGradientImage(m_files, QStringLiteral("small.png"), 96, 64);
        m_window = makeWindow(32, 4, 8);
        MainWindow& window = *m_window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.openImage(path));
        TileOverlay* overlay = window.tileOverlay();
        const int tileCount = overlay->plan().tileCount();
        QCOMPARE(tileCount, 12); // 4 x 3 tiles of 32 x 32

        EngineController* engine = window.engine();
        QSignalSpy finished(engine, &EngineController::runFinished);
        QSignalSpy failed(engine, &EngineController::runFailed);
        std::set<int> done;
        connect(engine, &EngineController::tileFinished, this, [&](int index) {
            // The window's own handler ran first: the overlay shows the tile done.
            QCOMPARE(overlay->tileState(index), TileState::Done);
            done.insert(index);
        });
        int ticks = 0;
        int ticksWithPartialProgress = 0;
        QTimer ticker;
        ticker.setInterval(10);
        connect(&ticker, &QTimer::timeout, this, [&] {
            if (!engine->isRunning())
                return;
            ++ticks;
            if (!done.empty() && int(done.size()) < tileCount)
                ++ticksWithPartialProgress;
        });
        ticker.start();
        QElapsedTimer clock;
        clock.start();
        window.upscalePanel()->runButton()->click();
        QVERIFY(engine->isRunning());
        QVERIFY(!window.upscalePanel()->runButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 25000);
        const qint64 runMs = clock.elapsed();
        ticker.stop();
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));

        // The event loop kept turning while the engine worked (every 10 ms
        // timer tick that found the run going was served by the GUI thread).
        qInfo("run took %lld ms; %d timer ticks during it, %d of them with some tiles done", runMs, ticks,
              ticksWithPartialProgress);
        QVERIFY2(ticks >= 3, qPrintable(QStringLiteral("only %1 ticks in %2 ms").arg(ticks).arg(runMs)));
        QCOMPARE(int(done.size()), tileCount);

        const std::shared_ptr<const Image> result = window.result();
        QVERIFY(result);
        QCOMPARE(result->width(), 192);
        QCOMPARE(result->height(), 128);
        QCOMPARE(result->channels(), 3);
        // The window shows the result against the original, and can run again.
        QVERIFY(window.imageView()->isComparing());
        QCOMPARE(window.imageView()->image().size(), QSize(192, 128));
        QCOMPARE(window.imageView()->patchCount(), 0);
        QVERIFY(window.upscalePanel()->runButton()->isEnabled());
        QVERIFY(!engine->isRunning());
    }

    void cancelMidRunLeavesNoResult()
    {
        const QString path = test::writeGradientImage(m_files, QStringLiteral("big.png"), 320, 256);
        auto window = makeWindow(32, 4, 8);
        QVERIFY(window->openImage(path));
        QVERIFY(window->tileOverlay()->plan().tileCount() >= 80);
        EngineController* engine = window->engine();
        QSignalSpy tiles(engine, &EngineController::tileFinished);
        QSignalSpy cancelled(engine, &EngineController::runCancelled);
        QSignalSpy finished(engine, &EngineController::runFinished);
        window->upscalePanel()->runButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(tiles.count() >= 2, 20000);

        // While it runs, the tiling controls are locked and the overlay keeps
        // the run's plan, its finished tiles and their patches.
        UpscalePanel* panel = window->upscalePanel();
        QVERIFY(!panel->tileSlider()->isEnabled());
        const int planned = window->tileOverlay()->plan().tileCount();
        const int doneTile = tiles.first().at(0).toInt();
        panel->tileSpin()->setValue(64); // a program can still change it
        QCOMPARE(window->tileOverlay()->plan().tileCount(), planned);
        QCOMPARE(window->tileOverlay()->plan().settings().tileSize, 32);
        QCOMPARE(window->tileOverlay()->tileState(doneTile), TileState::Done);
        QVERIFY(window->imageView()->patchCount() >= 2);

        QPushButton* cancel = nullptr;
        for (QPushButton* button : window->upscalePanel()->findChildren<QPushButton*>())
            if (button->text() == QStringLiteral("Cancel"))
                cancel = button;
        QVERIFY(cancel);
        QVERIFY(cancel->isEnabled());
        cancel->click();
        QTRY_COMPARE_WITH_TIMEOUT(cancelled.count(), 1, 20000);
        QTest::qWait(100);
        QCOMPARE(finished.count(), 0);
        QVERIFY(tiles.count() < window->tileOverlay()->plan().tileCount());
        QCOMPARE(window->result(), nullptr);
        QVERIFY(!engine->isRunning());
        QCOMPARE(window->imageView()->patchCount(), 0);
        QCOMPARE(window->tileOverlay()->tileState(0), TileState::Pending);
        QVERIFY(window->upscalePanel()->runButton()->isEnabled());
        QVERIFY(!cancel->isEnabled());
        QVERIFY(panel->tileSlider()->isEnabled());
        // The run's end brings the overlay back to the panel's settings.
        QCOMPARE(window->tileOverlay()->plan().settings().tileSize, 64);
    }

    void exportRoundTrip()
    {
        if (!m_window || !m_window->result())
            QSKIP("no result from fullRunKeepsTheWindowResponsive");
        const Image& result = *m_window->result();

        // 32-bit float TIFF: exact.
        const QString tiff = m_files.filePath(QStringLiteral("out.tif"));
        QVERIFY(m_window->exportResult(tiff, 32, 95, true));
        const Image tiffBack = readImage(tiff.toStdString());
        QCOMPARE(tiffBack.width(), result.width());
        QCOMPARE(tiffBack.height(), result.height());
        QCOMPARE(tiffBack.channels(), result.channels());
        QCOMPARE(std::memcmp(tiffBack.data(), result.data(), size_t(result.pixelCount()) * result.channels() * 4), 0);

        // 16-bit PNG: within one step of 1/65535 (values clip to [0, 1]).
        const QString png = m_files.filePath(QStringLiteral("out.png"));
        QVERIFY(m_window->exportResult(png, 16, 95, true));
        const Image pngBack = readImage(png.toStdString());
        QCOMPARE(pngBack.width(), result.width());
        QCOMPARE(pngBack.height(), result.height());
        QCOMPARE(pngBack.channels(), result.channels());
        float worst = 0.0f;
        for (int64_t i = 0; i < result.pixelCount() * result.channels(); ++i)
            worst = std::max(worst, std::abs(pngBack.data()[i] - std::clamp(result.data()[i], 0.0f, 1.0f)));
        QVERIFY2(worst <= 1.0f / 65535.0f, qPrintable(QString::number(double(worst) * 65535.0) + " steps"));
    }

    void failedExportLeavesTheFileIntact()
    {
        if (!m_window || !m_window->result())
            QSKIP("no result from fullRunKeepsTheWindowResponsive");
        const QString jpg = m_files.filePath(QStringLiteral("keep.jpg"));
        QVERIFY(m_window->exportResult(jpg, 8, 90, true));
        const QByteArray before = readBytes(jpg);
        QVERIFY(!before.isEmpty());
        const QStringList filesBefore = QDir(m_files.path()).entryList(QDir::Files, QDir::Name);

        QSignalSpy errors(m_window.get(), &MainWindow::errorOccurred);
        QVERIFY(!m_window->exportResult(jpg, 16, 90, true)); // JPEG has no 16-bit
        QCOMPARE(errors.count(), 1);
        QVERIFY(errors.first().at(1).toString().contains(QStringLiteral("keep.jpg")));
        QCOMPARE(readBytes(jpg), before);
        // No temporary file left behind either.
        QCOMPARE(QDir(m_files.path()).entryList(QDir::Files, QDir::Name), filesBefore);

        // A folder that does not exist fails the same way.
        QVERIFY(!m_window->exportResult(m_files.filePath(QStringLiteral("no/such/dir/out.png")), 16, 90, true));
        QCOMPARE(errors.count(), 2);
    }

    void cleanupTestCase()
    {
        m_window.reset();
    }
};

QTEST_MAIN(TestEngineRuns)
#include "tst_engine_runs.moc"

// The GUI with a real model (2x-AniScale, SRVGGNetCompact): previews are
// progressive and "latest wins", a full run gives exactly core's output while
// the event loop keeps turning, a cancel leaves no result, and exports
// round-trip without touching an earlier file when they fail.

// LibTorch headers first: Qt's `slots` / `signals` macros break them when
// they come after a Qt header.
#include "pipeline/upscale_job.h"
#include "tiling/tiled_runner.h"

#include "main_window.h"

#include "gui_test_util.h"

#include "bridge/engine_controller.h"
#include "bridge/upscale_jobs.h"
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
#include <limits>
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
        if (!test::selectModelAndWait(*window, m_model))
            qWarning("the model was not selected");
        UpscalePanelSettings s = window->upscalePanel()->settings();
        s.job.tileSize = tile;
        s.job.overlap = overlap;
        s.job.halo = halo;
        s.job.outputScale = 0;
        s.livePreview = true;
        window->upscalePanel()->setSettings(s);
        return window;
    }

    UpscaleSettings previewSettings() const
    {
        UpscaleSettings s;
        s.modelPath = m_model.toStdString();
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
        QSignalSpy partials(&engine, &EngineController::jobPartial);
        QSignalSpy finished(&engine, &EngineController::jobFinished);
        QSignalSpy failed(&engine, &EngineController::jobFailed);
        const UpscaleSettings settings = previewSettings();
        const UpscalePlan plan = UpscaleJob().plan(settings, 160, 120);
        auto preview = [&](int tile) {
            const TileRect& area = plan.tiles.tiles()[size_t(tile)].area;
            return std::make_shared<UpscalePreviewJob>(settings, image, tile,
                                                       QPoint(area.x + area.width / 2, area.y + area.height / 2));
        };

        // The first request loads the model; its stages arrive in order (a
        // 48 px tile has no window stage: the window would be the tile), the
        // last one covering the tile's area at output size.
        const quint64 first = engine.submit(preview(0));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QCOMPARE(finished.first().at(0).toULongLong(), first);
        QCOMPARE(partials.count(), 2);
        QCOMPARE(partials.at(0).at(1).value<JobPartial>().stage, int(PreviewStage::Tile));
        QCOMPARE(partials.at(1).at(1).value<JobPartial>().stage, int(PreviewStage::Blended));
        QVERIFY(!partials.at(0).at(1).value<JobPartial>().last);
        QVERIFY(partials.at(1).at(1).value<JobPartial>().last);
        const TileRect expected0 = plan.tiles.toOutput(plan.tiles.tiles()[0].area);
        QCOMPARE(partials.last().at(1).value<JobPartial>().outputRect,
                 QRect(expected0.x, expected0.y, expected0.width, expected0.height));
        partials.clear();
        finished.clear();

        // Bursts of requests, some while the worker is busy with an older one:
        // only the newest of each burst may come back.
        for (int burst = 0; burst < 3; ++burst) {
            quint64 last = 0;
            int lastTile = 0;
            for (int i = 0; i < 8; ++i) {
                lastTile = (burst * 5 + i * 3) % plan.tiles.tileCount();
                last = engine.submit(preview(lastTile));
                QCOMPARE(engine.latestOf(QStringLiteral("preview")), last);
                if (i % 3 == 1)
                    QTest::qWait(15); // let the worker start on this one
            }
            QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 20000);
            QTest::qWait(200); // time for any stale result to arrive (it must not)
            QCOMPARE(finished.count(), 1);
            QCOMPARE(finished.first().at(0).toULongLong(), last);
            for (const QList<QVariant>& partial : partials)
                QCOMPARE(partial.at(0).toULongLong(), last);
            const JobPartial blended = partials.last().at(1).value<JobPartial>();
            const TileRect expected = plan.tiles.toOutput(plan.tiles.tiles()[size_t(lastTile)].area);
            QCOMPARE(blended.outputRect, QRect(expected.x, expected.y, expected.width, expected.height));
            QCOMPARE(blended.pixels.size(), QSize(expected.width, expected.height));
            partials.clear();
            finished.clear();
        }
        QCOMPARE(failed.count(), 0);

        // A cancelled request delivers nothing at all.
        engine.submit(preview(1));
        engine.cancelChannel(QStringLiteral("preview"));
        QTest::qWait(300);
        QCOMPARE(partials.count(), 0);
        QCOMPARE(finished.count(), 0);
    }

    void previewStartsWithAWindowAroundTheCursor()
    {
        // A tile larger than the window: first about 192 x 192 pixels around
        // the cursor, then the tile, then the tile blended with its neighbour.
        EngineController engine;
        auto image = std::make_shared<const Image>(test::gradientImage(400, 300));
        UpscaleSettings settings = previewSettings();
        settings.tileSize = 320;
        settings.overlap = 32;
        const UpscalePlan plan = UpscaleJob().plan(settings, 400, 300);
        QCOMPARE(plan.tiles.tileCount(), 2);
        QSignalSpy partials(&engine, &EngineController::jobPartial);
        QSignalSpy finished(&engine, &EngineController::jobFinished);
        engine.submit(std::make_shared<UpscalePreviewJob>(settings, image, 0, QPoint(50, 150)));
        QVERIFY(test::waitFor(finished, 60000));
        QCOMPARE(partials.count(), 3);
        const JobPartial window = partials.at(0).at(1).value<JobPartial>();
        QCOMPARE(window.stage, int(PreviewStage::Window));
        // Centred on the cursor, pushed inside the tile's area (x from 0).
        QCOMPARE(window.outputRect, QRect(0, 2 * (150 - 96), 2 * 192, 2 * 192));
        QCOMPARE(window.pixels.size(), QSize(384, 384));
        const TileRect area = plan.tiles.toOutput(plan.tiles.tiles()[0].area);
        const QRect tileRect(area.x, area.y, area.width, area.height);
        QCOMPARE(partials.at(1).at(1).value<JobPartial>().outputRect, tileRect);
        const JobPartial blended = partials.at(2).at(1).value<JobPartial>();
        QCOMPARE(blended.stage, int(PreviewStage::Blended));
        QCOMPARE(blended.outputRect, tileRect);
        QVERIFY(blended.last);
    }

    void windowPaintsThePreviewProgressively()
    {
        const QString path = test::writeGradientImage(m_files, QStringLiteral("preview.png"), 160, 120);
        auto window = makeWindow(48, 8, 16);
        QVERIFY(test::openAndWait(*window, path));
        TileOverlay* overlay = window->tileOverlay();
        ImageView* view = window->imageView();
        QVERIFY(overlay->plan().tileCount() >= 9);
        EngineController* engine = window->engine();
        // Whenever a preview is painted (the window's handler runs first), it
        // is the newest request's and lies on the tile under the cursor.
        std::vector<QRectF> painted;
        QStringList wrong;
        connect(engine, &EngineController::jobPartial, this, [&](quint64 id, JobPartial partial) {
            if (partial.kind != JobPartial::Kind::Preview)
                return;
            const int hovered = overlay->hoveredTile();
            painted.push_back(view->patchRect(kPreviewPatch));
            if (id != engine->latestOf(QStringLiteral("preview")) || hovered != partial.tileIndex
                || !QRectF(overlay->geometry()[size_t(hovered)].area).contains(view->patchRect(kPreviewPatch)))
                wrong << QStringLiteral("preview %1 painted while tile %2 is hovered").arg(id).arg(hovered);
        });

        // Hover one tile: a busy marker at once, then the stages, the last
        // one the whole tile.
        overlay->setHoveredTile(0);
        QTRY_COMPARE_WITH_TIMEOUT(overlay->tileState(0), TileState::Running, 2000);
        QTRY_COMPARE_WITH_TIMEOUT(view->patchRect(kPreviewPatch), QRectF(overlay->geometry()[0].area), 20000);
        // The blended stage, the last one, takes the marker away.
        QTRY_COMPARE_WITH_TIMEOUT(overlay->tileState(0), TileState::Pending, 20000);
        QCOMPARE(painted.size(), size_t(2));

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
        QTRY_COMPARE_WITH_TIMEOUT(view->patchRect(kPreviewPatch), QRectF(overlay->geometry()[size_t(last)].area), 20000);
        QTest::qWait(300);
        QCOMPARE(view->patchRect(kPreviewPatch), QRectF(overlay->geometry()[size_t(last)].area));
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
        QVERIFY(test::openAndWait(window, path));
        TileOverlay* overlay = window.tileOverlay();
        const int tileCount = overlay->plan().tileCount();
        QCOMPARE(tileCount, 12); // 4 x 3 tiles of 32 x 32

        EngineController* engine = window.engine();
        QSignalSpy ended(&window, &MainWindow::runEnded);
        QSignalSpy errors(&window, &MainWindow::errorOccurred);
        std::set<int> done;
        connect(engine, &EngineController::jobPartial, this, [&](quint64, JobPartial partial) {
            if (partial.kind != JobPartial::Kind::TileFinished)
                return;
            // The window's own handler ran first: the overlay shows the tile done.
            QCOMPARE(overlay->tileState(partial.tileIndex), TileState::Done);
            done.insert(partial.tileIndex);
        });
        int ticks = 0;
        int ticksWithPartialProgress = 0;
        QTimer ticker;
        ticker.setInterval(10);
        connect(&ticker, &QTimer::timeout, this, [&] {
            if (!window.isRunning())
                return;
            ++ticks;
            if (!done.empty() && int(done.size()) < tileCount)
                ++ticksWithPartialProgress;
        });
        ticker.start();
        QElapsedTimer clock;
        clock.start();
        window.upscalePanel()->runButton()->click();
        QVERIFY(window.isRunning());
        QVERIFY(!window.upscalePanel()->runButton()->isEnabled());
        QVERIFY(test::waitFor(ended, 25000));
        const qint64 runMs = clock.elapsed();
        ticker.stop();
        QVERIFY2(ended.first().at(0).toBool(), errors.isEmpty() ? "" : qPrintable(errors.first().at(1).toString()));

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

        // Pixel for pixel what core's tiled runner gives for the same model
        // and plan, called directly.
        const Image input = readImage(path.toStdString());
        UpscaleJob job;
        const UpscaleSettings settings = window.upscalePanel()->settings().job;
        const UpscalePlan plan = job.plan(settings, input.width(), input.height());
        TiledOptions options;
        options.tileSize = plan.tiles.settings().tileSize;
        options.overlap = plan.tiles.settings().overlap;
        options.halo = plan.tiles.settings().halo;
        options.ramp = settings.blend;
        const Image expected = upscaleImage(input, job.tileModel(settings), options);
        QCOMPARE(expected.width(), result->width());
        QCOMPARE(expected.height(), result->height());
        QCOMPARE(std::memcmp(expected.data(), result->data(), size_t(result->pixelCount()) * result->channels() * 4), 0);

        // The window shows the result against the original, and can run again.
        QVERIFY(window.imageView()->isComparing());
        QCOMPARE(window.imageView()->image().size(), QSize(192, 128));
        QCOMPARE(window.imageView()->patchCount(), 0);
        QVERIFY(window.upscalePanel()->runButton()->isEnabled());
        QVERIFY(!window.isRunning());
    }

    void cancelMidRunLeavesNoResult()
    {
        const QString path = test::writeGradientImage(m_files, QStringLiteral("big.png"), 320, 256);
        auto window = makeWindow(32, 4, 8);
        QVERIFY(test::openAndWait(*window, path));
        QVERIFY(window->tileOverlay()->plan().tileCount() >= 80);
        EngineController* engine = window->engine();
        std::vector<int> tiles;
        connect(engine, &EngineController::jobPartial, this, [&](quint64, JobPartial partial) {
            if (partial.kind == JobPartial::Kind::TileFinished)
                tiles.push_back(partial.tileIndex);
        });
        QSignalSpy cancelled(engine, &EngineController::jobCancelled);
        QSignalSpy ended(window.get(), &MainWindow::runEnded);
        window->upscalePanel()->runButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(tiles.size() >= 2, 20000);

        // While it runs, the tiling controls are locked and the overlay keeps
        // the run's plan, its finished tiles and their patches.
        UpscalePanel* panel = window->upscalePanel();
        QVERIFY(!panel->tileSlider()->isEnabled());
        const int planned = window->tileOverlay()->plan().tileCount();
        const int doneTile = tiles.front();
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
        QCOMPARE(ended.count(), 1);
        QCOMPARE(ended.first().at(0).toBool(), false);
        QVERIFY(int(tiles.size()) < window->tileOverlay()->plan().tileCount());
        QCOMPARE(window->result(), nullptr);
        QVERIFY(!window->isRunning());
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
        QVERIFY(test::exportAndWait(*m_window, tiff, 32, 95, true));
        const Image tiffBack = readImage(tiff.toStdString());
        QCOMPARE(tiffBack.width(), result.width());
        QCOMPARE(tiffBack.height(), result.height());
        QCOMPARE(tiffBack.channels(), result.channels());
        QCOMPARE(std::memcmp(tiffBack.data(), result.data(), size_t(result.pixelCount()) * result.channels() * 4), 0);

        // 16-bit PNG: within one step of 1/65535 (values clip to [0, 1]).
        const QString png = m_files.filePath(QStringLiteral("out.png"));
        QVERIFY(test::exportAndWait(*m_window, png, 16, 95, true));
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
        QVERIFY(test::exportAndWait(*m_window, jpg, 8, 90, true));
        const QByteArray before = readBytes(jpg);
        QVERIFY(!before.isEmpty());
        const QStringList filesBefore = QDir(m_files.path()).entryList(QDir::Files, QDir::Name);

        QSignalSpy errors(m_window.get(), &MainWindow::errorOccurred);
        QVERIFY(!test::exportAndWait(*m_window, jpg, 16, 90, true)); // JPEG has no 16-bit
        QCOMPARE(errors.count(), 1);
        QVERIFY(errors.first().at(1).toString().contains(QStringLiteral("keep.jpg")));
        QCOMPARE(readBytes(jpg), before);
        // No temporary file left behind either.
        QCOMPARE(QDir(m_files.path()).entryList(QDir::Files, QDir::Name), filesBefore);

        // A folder that does not exist fails the same way.
        QVERIFY(!test::exportAndWait(*m_window, m_files.filePath(QStringLiteral("no/such/dir/out.png")), 16, 90, true));
        QCOMPARE(errors.count(), 2);
    }

    // NaN and infinite input pixels reach the window's status as a note of
    // the run (the CLI warns): replaced by the documented rule, counted.
    void nonFinitePixelsAreANoteOfTheRun()
    {
        EngineController engine;
        Image image = test::gradientImage(40, 30);
        image.at(3, 4, 0) = std::numeric_limits<float>::quiet_NaN();
        image.at(7, 8, 2) = std::numeric_limits<float>::infinity();
        auto run = std::make_shared<UpscaleRunJob>(previewSettings(), std::make_shared<const Image>(std::move(image)));
        QSignalSpy finished(&engine, &EngineController::jobFinished);
        engine.submit(run);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        QVERIFY2(run->notes().contains(QStringLiteral(
                     "2 pixels were NaN or infinite; set to 0 or 1 as documented (NaN and -Inf to 0, +Inf to 1)")),
                 qPrintable(run->notes().join(QLatin1Char('|'))));
    }

    // Over 10000 tiles (tiles of 8 on 1000 x 700 make 11000) the window asks
    // before it runs; Cancel leaves it idle.
    void manyTilesAskFirst()
    {
        const QString path = test::writeGradientImage(m_files, QStringLiteral("wide.png"), 1000, 700);
        auto window = makeWindow(8, 0, 0);
        QVERIFY(test::openAndWait(*window, path));
        QCOMPARE(window->tileOverlay()->plan().tileCount(), 11000);
        QSignalSpy asked(window.get(), &MainWindow::questionAsked);
        QSignalSpy errors(window.get(), &MainWindow::errorOccurred);
        window->upscalePanel()->runButton()->click(); // the quiet answer is Cancel
        QCOMPARE(asked.count(), 1);
        QVERIFY2(asked.first().at(1).toString().startsWith(
                     QStringLiteral("1000 x 700 in tiles of 8 px makes 11000 tiles (over 10000)")),
                 qPrintable(asked.first().at(1).toString()));
        QVERIFY(!window->isRunning());
        QCOMPARE(errors.count(), 0);
    }

    // A result with alpha exported to JPEG: the window asks first; Cancel
    // writes nothing, Continue writes the colour.
    void alphaIntoJpegAsksFirst()
    {
        const QString path = m_files.filePath(QStringLiteral("rgba.png"));
        Image rgba(48, 32, 4);
        for (int y = 0; y < 32; ++y)
            for (int x = 0; x < 48; ++x)
                for (int c = 0; c < 4; ++c)
                    rgba.at(x, y, c) = c == 3 ? 0.5f : float((x + y + c * 9) % 16) / 15.0f;
        writeImage(rgba, path.toStdString());
        auto window = makeWindow(64, 0, 8);
        QVERIFY(test::openAndWait(*window, path));
        QSignalSpy ended(window.get(), &MainWindow::runEnded);
        window->upscalePanel()->runButton()->click();
        QVERIFY(test::waitFor(ended, 25000));
        QVERIFY(ended.first().at(0).toBool());
        QCOMPARE(window->result()->channels(), 4);

        QSignalSpy asked(window.get(), &MainWindow::questionAsked);
        const QString jpg = m_files.filePath(QStringLiteral("rgba.jpg"));
        QVERIFY(!test::exportAndWait(*window, jpg, 8, 90, true)); // the quiet answer is Cancel
        QCOMPARE(asked.count(), 1);
        QCOMPARE(asked.first().at(1).toString(),
                 QStringLiteral("rgba.jpg: JPEG has no alpha; the alpha channel is dropped. Export anyway?"));
        QVERIFY(!QFileInfo::exists(jpg));
        window->setQuietAnswer(true);
        QVERIFY(test::exportAndWait(*window, jpg, 8, 90, true));
        QCOMPARE(probeImage(jpg.toStdString()).channels, 3);
        // PNG keeps alpha: nothing to ask.
        QVERIFY(test::exportAndWait(*window, m_files.filePath(QStringLiteral("rgba-out.png")), 8, 90, true));
        QCOMPARE(asked.count(), 2);
    }

    void cleanupTestCase()
    {
        m_window.reset();
    }
};

QTEST_MAIN(TestEngineRuns)
#include "tst_engine_runs.moc"

// Tiled == whole image on real model files (label "model"): the halo set to
// the receptive radius the loader reports must make the seams vanish.

#include "core/tiling/test_models.h"
#include "pipeline/upscale_job.h"
#include "tiling/tile_preview.h"
#include "tiling/tiled_runner.h"

#include <QElapsedTimer>
#include "test_data.h"

#include <QtTest>

#include <cstdlib>
#include <filesystem>

using namespace tessera;
using namespace tessera::test;

namespace {

std::filesystem::path modelsFolder()
{
    return test::modelsDir().toStdString(); // tests/test_data.h
}

} // namespace

class TestTiledModels : public QObject {
    Q_OBJECT
private slots:
    void tiledEqualsWholeImage_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("SRVGGNetCompact pth") << "2x-AniScale.pth";
        QTest::newRow("ncnn animevideov3 x2") << "real-esrgan/models/realesr-animevideov3-x2.param";
    }

    void tiledEqualsWholeImage()
    {
        QFETCH(QString, file);
        const std::filesystem::path path = modelsFolder() / file.toStdString();
        if (!std::filesystem::exists(path))
            QSKIP(qPrintable("model file not found: " + QString::fromStdString(path.string())
                             + " (run scripts/setup.sh or set TESSERA_MODELS)"));
        c10::InferenceMode inference;
        UpscaleJob job;
        UpscaleSettings settings;
        settings.modelPath = path.string();
        const ModelInfo& info = job.prepare(settings);
        QVERIFY2(info.receptiveRadius >= 0, "the loader should know this model's receptive radius");
        const TileModel model = job.tileModel(settings);

        const Image image = makeTestImage(150, 97, 3, 17);
        TiledOptions options;
        options.tileSize = 64;
        options.overlap = 8;
        options.halo = info.receptiveRadius;
        TiledReport report;
        const Image tiled = upscaleImage(image, model, options, {}, {}, &report);
        QVERIFY(report.tiles > 1);
        const at::Tensor reference = wholeImageReference(image, model, info.receptiveRadius);
        const double diff = maxDifference(imageToTensor(tiled), reference);
        qInfo("%s: radius %d, %d tiles, max difference %g", qPrintable(file), info.receptiveRadius,
              report.tiles, diff);
        // Float rounding only: on the CPU the 3x3 convolutions are Winograd
        // transforms (models/cpu/winograd_convolution.h), whose rounding
        // depends on where each tile's 4x4 output blocks fall, so a tiled and
        // a whole run round differently: 1.3e-5 over animevideov3-x2's 18
        // convolutions (the direct sums: under 1e-5), a quarter of a 16-bit step.
        QVERIFY2(diff <= 3e-5, qPrintable(QString("max difference %1").arg(diff)));
    }

    void previewStagesOnARealModel()
    {
        // The progressive preview with the default window (192 px): the window
        // and the lone tile show the blended pixels where the tile's weight is 1.
        const std::filesystem::path path = modelsFolder() / "2x-AniScale.pth";
        if (!std::filesystem::exists(path))
            QSKIP(qPrintable("model file not found: " + QString::fromStdString(path.string())
                             + " (run scripts/setup.sh or set TESSERA_MODELS)"));
        c10::InferenceMode inference;
        UpscaleJob job;
        UpscaleSettings settings;
        settings.modelPath = path.string();
        const ModelInfo& info = job.prepare(settings);
        const TileModel model = job.tileModel(settings);
        // Two tiles of 224; the first one's weight is 1 over its first 208 columns.
        const Image image = makeTestImage(430, 224, 3, 21);
        const TilePlan plan(430, 224, {224, 16, info.receptiveRadius, info.scale, model.inputMultiple});
        QCOMPARE(plan.tileCount(), 2);
        const Tile& tile = plan.tile(0, 0);
        PreviewRequest request;
        request.tile = tile.index;
        request.cursorX = tile.area.x + tile.area.width / 2;
        request.cursorY = tile.area.y + tile.area.height / 2 - 40;
        QElapsedTimer timer;
        double seconds[3] = {};
        TilePreview previews[3];
        for (PreviewStage stage : {PreviewStage::Window, PreviewStage::Tile, PreviewStage::Blended}) {
            request.stage = stage;
            timer.start();
            previews[int(stage)] = previewTile(image, plan, model, request);
            seconds[int(stage)] = timer.elapsed() / 1000.0;
        }
        qInfo("preview of a 224 tile on %s: window %.2f s, tile %.2f s, blended %.2f s (%d tiles)",
              deviceName(model.device).c_str(), seconds[0], seconds[1], seconds[2],
              previews[2].tilesRun);
        const TilePreview& blended = previews[int(PreviewStage::Blended)];
        auto cut = [](const TilePreview& preview, const TileRect& rect) {
            return imageToTensor(preview.pixels)
                .narrow(2, rect.y - preview.outputRect.y, rect.height)
                .narrow(3, rect.x - preview.outputRect.x, rect.width);
        };
        // Weight 1: the blend region without its ramps.
        const TileRect full = plan.toOutput({tile.blend.x + tile.rampLeft, tile.blend.y + tile.rampTop,
                                             tile.blend.width - tile.rampLeft - tile.rampRight,
                                             tile.blend.height - tile.rampTop - tile.rampBottom});
        const TileRect window = previews[int(PreviewStage::Window)].outputRect;
        QCOMPARE(window.width, 192 * info.scale);
        QVERIFY(intersected(window, full) == window);
        QVERIFY(maxDifference(cut(previews[int(PreviewStage::Window)], window), cut(blended, window)) <= 1e-5);
        QVERIFY(maxDifference(cut(previews[int(PreviewStage::Tile)], full), cut(blended, full)) <= 1e-5);
    }
};

QTEST_GUILESS_MAIN(TestTiledModels)
#include "tst_tiled_models.moc"

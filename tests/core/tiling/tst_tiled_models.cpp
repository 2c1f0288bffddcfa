// Tiled == whole image on real model files (label "model"): the halo set to
// the receptive radius the loader reports must make the seams vanish.

#include "core/tiling/test_models.h"
#include "models/upscale_model.h"
#include "tiling/tiled_runner.h"

#include <QtTest>

#include <cstdlib>
#include <filesystem>

using namespace tessera;
using namespace tessera::test;

namespace {

std::filesystem::path modelsFolder()
{
    if (const char* env = std::getenv("TESSERA_MODELS"))
        return env;
    if (const char* home = std::getenv("HOME"))
        return std::filesystem::path(home) / ".local/share/tessera/models";
    return {};
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
        std::unique_ptr<UpscaleModel> loaded = loadUpscaleModel(path.string());
        loaded->to(DeviceSpec{}, Precision::Fp32);
        const ModelInfo& info = loaded->info();
        QVERIFY2(info.receptiveRadius >= 0, "the loader should know this model's receptive radius");
        TileModel model;
        model.scale = info.scale;
        model.inputMultiple = std::max(1, info.inputMultiple);
        model.inChannels = info.inChannels;
        model.outChannels = info.outChannels;
        model.receptiveRadius = info.receptiveRadius;
        model.forward = [&](const at::Tensor& x) { return loaded->forward(x); };

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
        QVERIFY2(diff <= 1e-5, qPrintable(QString("max difference %1").arg(diff)));
    }
};

QTEST_GUILESS_MAIN(TestTiledModels)
#include "tst_tiled_models.moc"

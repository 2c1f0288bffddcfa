// The shipped .pth models (label "model"): they load, report the right
// architecture and scale, upscale a photo-like image to something close to a
// plain resize of it (a broken network gives noise), and the same weights
// saved as .safetensors give identical outputs.

#include "common/error.h"
#include "models/detect.h"
#include "models/loaders/safetensors.h"
#include "models/loaders/weight_store.h"
#include "models/upscale_model.h"
#include "store_helpers.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <QDir>
#include <QTemporaryDir>
#include "test_data.h"

#include <QtTest>

using namespace tessera;
using tessera::test::modelsDir;

namespace {

// A smooth, photo-like test image: gradients, a soft disc edge and fine waves.
at::Tensor photoLike(int size)
{
    const at::Tensor y = at::linspace(0, 1, size).view({size, 1}).expand({size, size});
    const at::Tensor x = at::linspace(0, 1, size).view({1, size}).expand({size, size});
    const at::Tensor disc = ((x - 0.45).pow(2) + (y - 0.55).pow(2) < 0.08).to(at::kFloat);
    const at::Tensor r = 0.2 + 0.5 * x + 0.2 * disc + 0.05 * at::sin(x * 40);
    const at::Tensor g = 0.3 + 0.4 * y - 0.1 * disc + 0.05 * at::cos(y * 30);
    const at::Tensor b = 0.6 - 0.3 * x * y + 0.1 * disc;
    return at::stack({r, g, b}).unsqueeze(0).clamp(0, 1).contiguous();
}

at::Tensor run(UpscaleModel& model, const at::Tensor& x)
{
    c10::InferenceMode guard;
    return model.forward(x);
}

} // namespace

class TestUpscaleModels : public QObject {
    Q_OBJECT
private slots:
    void shippedModels_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("architecture");
        QTest::addColumn<int>("scale");
        QTest::addColumn<int>("size");
        QTest::addColumn<bool>("gray");
        QTest::newRow("SRVGG") << "2x-AniScale.pth" << "SRVGGNetCompact" << 2 << 48 << false;
        QTest::newRow("ESRGAN legacy pickle") << "4x-NMKD-YandereNeo-Superlite.pth" << "ESRGAN" << 4 << 32 << false;
        // A manga descreening model: it answers in grayscale, so feed it gray.
        QTest::newRow("OmniSR") << "4x_WTP_descreenton.pth" << "OmniSR" << 4 << 32 << true;
    }
    void shippedModels()
    {
        QFETCH(QString, file);
        QFETCH(QString, architecture);
        QFETCH(int, scale);
        QFETCH(int, size);
        QFETCH(bool, gray);
        const QString path = modelsDir() + "/" + file;
        if (!QFile::exists(path))
            QSKIP(qPrintable(path + " is missing; run scripts/setup.sh to fetch the models"));
        std::unique_ptr<UpscaleModel> model = loadUpscaleModel(path.toStdString());
        QCOMPARE(QString::fromStdString(model->info().architecture), architecture);
        QCOMPARE(model->info().scale, scale);
        QVERIFY(model->info().parameterCount > 100000);
        model->to(DeviceSpec{}, Precision::Fp32);

        at::Tensor x = photoLike(size);
        if (gray)
            x = x.mean(1, true).expand({1, 3, size, size}).contiguous();
        const at::Tensor y = run(*model, x);
        QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{1, 3, size * scale, size * scale}));
        QVERIFY(at::isfinite(y).all().item<bool>());
        // A working network reproduces the image at the larger size: compare with
        // an area-downscale of its output (robust to sharpening and texture).
        const at::Tensor down = at::avg_pool2d(y.clamp(0, 1), {scale, scale});
        const double error = (down - x).abs().mean().item<double>();
        QVERIFY2(error < 0.05, qPrintable(QString("mean error %1 against the input").arg(error)));

        // The same weights as .safetensors: identical outputs.
        QTemporaryDir dir;
        const std::string converted = dir.filePath("converted.safetensors").toStdString();
        saveSafetensors(converted, test::readAllTensors(*openWeightStore(path.toStdString())));
        std::unique_ptr<UpscaleModel> again = loadUpscaleModel(converted);
        QCOMPARE(again->info().architecture, model->info().architecture);
        again->to(DeviceSpec{}, Precision::Fp32);
        QVERIFY(at::equal(run(*again, x), y));
    }
};

QTEST_GUILESS_MAIN(TestUpscaleModels)
#include "tst_upscale_models.moc"

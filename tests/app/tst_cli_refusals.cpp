// tessera-cli upscale refusing impossible settings in one line before work
// starts, and warning about what it does to a file (issue 10, the probe's
// cases): --tile 1 on 200 x 200 (40000 tiles) needs --force; --halo 100000
// and --scale 1000 are refused naming the file, never suggesting the CPU on
// the CPU; alpha written to JPEG and NaN/Inf input pixels are warned about
// once. A tiny zero-weight compact x2 model keeps each run short.

#include "image/image.h"
#include "io/image_reader.h"
#include "io/image_writer.h"
#include "support/model_files.h" // LibTorch before Qt: Qt's `slots` macro breaks its headers
#include "support/cli_process.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <limits>

using namespace tessera;
namespace fs = std::filesystem;

namespace {

Image gradient(int width, int height, int channels)
{
    Image image(width, height, channels);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < channels; ++c)
                image.at(x, y, c) = float((x * 5 + y * 3 + c * 7) % 32) / 31.0f;
    return image;
}

/// The lines of `text` that start with `prefix`.
QStringList linesStartingWith(const QString& text, const QString& prefix)
{
    QStringList found;
    for (const QString& line : text.split('\n'))
        if (line.startsWith(prefix))
            found << line;
    return found;
}

} // namespace

class TestCliRefusals : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_model;
    QString m_input; ///< 200 x 200 RGB PNG

    QString path(const char* name) const { return m_dir.filePath(name); }

    std::pair<int, QString> cli(const QStringList& args) const
    {
        return test::runProgram(TESSERA_CLI_PATH, args);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = path("tiny-x2.safetensors");
        test::writeCompactUpscaler(m_model.toStdString());
        m_input = path("in.png");
        writeImage(gradient(200, 200, 3), m_input.toStdString());
    }

    void impossibleSettingsAreOneLine_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("expected");
        QTest::newRow("--tile 1") << QStringList{"--tile", "1"}
                                  << "in.png: 200 x 200 in tiles of 1 px makes 40000 tiles (over 10000): use a "
                                     "larger --tile, or --force to run it anyway";
        QTest::newRow("--halo 100000") << QStringList{"--halo", "100000"}
                                       << "in.png: halo 100000 is larger than the image (200 x 200): use at most 200";
        QTest::newRow("--scale 1000") << QStringList{"--scale", "1000"}
                                      << "in.png: x1000 makes a 200000 x 200000 output whose run needs";
    }

    void impossibleSettingsAreOneLine()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, expected);
        const QString out = path("refused.png");
        const auto [code, output] = cli(QStringList{"upscale", m_input, "-o", out, "-m", m_model} + options);
        QCOMPARE(code, 1);
        const QStringList errors = linesStartingWith(output, "tessera-cli: ");
        QCOMPARE(errors.size(), 1);
        QVERIFY2(errors[0].startsWith("tessera-cli: " + m_dir.path() + "/" + expected), qPrintable(output));
        QVERIFY2(!output.contains("CPU"), qPrintable(output)); // the run is on the CPU already
        QVERIFY2(!output.contains("upscale: "), qPrintable(output)); // refused before the first tile
        QVERIFY(!QFileInfo::exists(out));
    }

    // JPEG has no alpha: the alpha channel is dropped with one warning.
    void alphaIntoJpegIsWarnedOnce()
    {
        const QString in = path("rgba.png"), out = path("rgba.jpg");
        writeImage(gradient(40, 30, 4), in.toStdString());
        const auto [code, output] = cli({"upscale", in, "-o", out, "-m", m_model});
        QVERIFY2(code == 0, qPrintable(output));
        QCOMPARE(linesStartingWith(output, "warning: "),
                 QStringList{"warning: " + out + ": JPEG has no alpha; the alpha channel is dropped"});
        QCOMPARE(probeImage(out.toStdString()).channels, 3);
        // PNG keeps it, and nothing is said.
        const auto [pngCode, pngOutput] = cli({"upscale", in, "-o", path("rgba-x2.png"), "-m", m_model});
        QVERIFY2(pngCode == 0, qPrintable(pngOutput));
        QVERIFY2(!pngOutput.contains("warning"), qPrintable(pngOutput));
    }

    // An EXR with a NaN, a +Inf and a -Inf pixel: one warning with the count,
    // and a finite output where they were (0, 1, 0 upscaled by nearest).
    void nonFinitePixelsAreWarnedAndReplaced()
    {
        const QString in = path("holes.exr"), out = path("holes-x2.exr");
        Image image = gradient(20, 10, 3);
        image.at(1, 1, 0) = std::numeric_limits<float>::quiet_NaN();
        image.at(3, 2, 1) = std::numeric_limits<float>::infinity();
        image.at(5, 4, 2) = -std::numeric_limits<float>::infinity();
        image.metadata().sourceSampleType = SampleType::Float;
        WriteOptions exact;
        exact.bits = 32;
        writeImage(image, in.toStdString(), exact);
        const auto [code, output] = cli({"upscale", in, "-o", out, "-m", m_model, "--bits", "32"});
        QVERIFY2(code == 0, qPrintable(output));
        QCOMPARE(linesStartingWith(output, "warning: "),
                 QStringList{"warning: " + in
                             + ": 3 pixels were NaN or infinite; set to 0 or 1 as documented (NaN and -Inf to 0, +Inf "
                               "to 1)"});
        const Image written = readImage(out.toStdString());
        for (int y = 0; y < written.height(); ++y)
            for (int x = 0; x < written.width(); ++x)
                for (int c = 0; c < 3; ++c)
                    QVERIFY(std::isfinite(written.at(x, y, c)));
        QCOMPARE(written.at(2, 2, 0), 0.0f);
        QCOMPARE(written.at(6, 4, 1), 1.0f);
        QCOMPARE(written.at(10, 8, 2), 0.0f);
    }
};

QTEST_GUILESS_MAIN(TestCliRefusals)
#include "tst_cli_refusals.moc"

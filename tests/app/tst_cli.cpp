// Runs the built tessera-cli and checks exit codes (0 ok, 1 failed, 2 bad
// usage) and messages for --help, --version, info and convert.

#include "common/error.h"
#include "core/io/io_test_util.h"
#include "image/image.h"
#include "io/image_reader.h"
#include "io/image_writer.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>
#include <vector>

using namespace tessera;

namespace {

struct Run {
    int code = -1;
    QString out;
    QString err;
};

/// Runs several invocations at once: each start of tessera-cli loads
/// LibTorch (about 1.5 s), so running them side by side keeps the test quick.
QList<Run> runAll(const QList<QStringList>& invocations)
{
    std::vector<std::unique_ptr<QProcess>> processes;
    for (const QStringList& arguments : invocations) {
        processes.push_back(std::make_unique<QProcess>());
        processes.back()->start(QStringLiteral(TESSERA_CLI_PATH), arguments);
    }
    QList<Run> runs;
    for (auto& process : processes) {
        Run run;
        if (process->waitForFinished(60000) && process->exitStatus() == QProcess::NormalExit) {
            run.code = process->exitCode();
            run.out = QString::fromUtf8(process->readAllStandardOutput());
            run.err = QString::fromUtf8(process->readAllStandardError());
        }
        runs.push_back(run);
    }
    return runs;
}

Image gradient(int width, int height, int channels)
{
    Image image(width, height, channels);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < channels; ++c)
                image.at(x, y, c) = float(std::round(65535.0 * ((x * 7 + y * 3 + c * 11) % 97) / 96.0) / 65535.0);
    image.metadata().sourceSampleType = SampleType::UInt16;
    return image;
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFileInfo::exists(QStringLiteral(TESSERA_CLI_PATH)), TESSERA_CLI_PATH);
        Image image = gradient(40, 30, 4);
        image.metadata().setString("Artist", "Test Artist");
        image.metadata().setString("ImageDescription", "CLI fixture");
        image.metadata().iccProfile = test::makeIccProfile();
        writeImage(image, path("in.tif").toStdString(), WriteOptions{16});
        writeImage(gradient(40, 30, 3), path("in.png").toStdString(), WriteOptions{16});
    }

    void helpAndVersion()
    {
        const QList<Run> runs = runAll({{"--help"}, {"--version"}, {}, {"convert", "--help"}});
        QCOMPARE(runs[0].code, 0);
        QVERIFY(runs[0].out.contains("Usage: tessera-cli"));
        QCOMPARE(runs[1].code, 0);
        QVERIFY(runs[1].out.startsWith("tessera-cli "));
        QCOMPARE(runs[2].code, 2);
        QCOMPARE(runs[3].code, 0);
        QVERIFY(runs[3].out.contains("--no-metadata"));
    }

    void everyCommandAnswersHelp()
    {
        // Each subcommand lists its options with their defaults.
        const QStringList commands = {"info", "convert", "upscale", "models", "tokens"};
        QList<QStringList> invocations;
        for (const QString& command : commands)
            invocations.push_back({command, "--help"});
        const QList<Run> runs = runAll(invocations);
        for (int i = 0; i < commands.size(); ++i) {
            QVERIFY2(runs[i].code == 0, qPrintable(commands[i] + ": " + runs[i].err));
            QVERIFY2(runs[i].out.contains("Usage: tessera-cli " + commands[i]), qPrintable(runs[i].out));
        }
        QVERIFY(runs[2].out.contains("--tile S"));
        QVERIFY(runs[2].out.contains("default: auto"));
        QVERIFY(runs[2].out.contains("default smooth"));
    }

    void tokens()
    {
        const QString vocab = QStringLiteral(TESSERA_CLIP_TEST_DATA);
        if (!QFileInfo::exists(vocab + "/vocab.json"))
            QSKIP(qPrintable("the CLIP test vocabulary is not in " + vocab + ": put shared/data/clip beside the checkout"));
        const QList<Run> runs = runAll({{"tokens", "a photo of a (cat:1.2)", "--vocab", vocab, "--show"},
                                        {"tokens", "a cat", "--vocab", vocab + "/bpe_simple_vocab_16e6.txt.gz", "--pad-zero"},
                                        {"tokens"},
                                        {"tokens", "a cat", "--vocab", path("nowhere")}});
        QVERIFY2(runs[0].code == 0, qPrintable(runs[0].err));
        QVERIFY2(runs[0].out.contains("chunk 1: 5 tokens (of 75)\n49406 320 1125 539 320 2368 49407 + 70 x 49407\n"),
                 qPrintable(runs[0].out));
        QVERIFY2(runs[0].out.contains("  2368  cat</w>  1.2\n"), qPrintable(runs[0].out));
        QVERIFY2(runs[1].code == 0, qPrintable(runs[1].err));
        QVERIFY2(runs[1].out.contains("49406 320 2368 49407 + 73 x 0\n"), qPrintable(runs[1].out));
        QCOMPARE(runs[2].code, 2);
        QCOMPARE(runs[3].code, 1);
        QVERIFY2(runs[3].err.contains("holds no CLIP vocabulary"), qPrintable(runs[3].err));
    }

    void info()
    {
        const QList<Run> runs = runAll({{"info", path("in.tif")}, {"info", path("in.png")}});
        const Run& run = runs[0];
        QCOMPARE(run.code, 0);
        QVERIFY2(run.out.contains("Size:        40 x 30"), qPrintable(run.out));
        QVERIFY(run.out.contains("Channels:    4 (RGBA, alpha: yes)"));
        QVERIFY(run.out.contains("Sample type: 16-bit"));
        QVERIFY(run.out.contains("Format:      tiff"));
        QVERIFY(run.out.contains("ICC profile: yes (400 bytes)"));
        QVERIFY(run.out.contains("Artist: Test Artist"));
        QVERIFY(run.out.contains("ImageDescription: CLI fixture"));
        QVERIFY(run.out.contains(QRegularExpression("\\d+ other attributes?")));

        const Run& png = runs[1];
        QCOMPARE(png.code, 0);
        QVERIFY(png.out.contains("Channels:    3 (RGB, alpha: no)"));
        QVERIFY(png.out.contains("ICC profile: no"));
    }

    void infoFailures()
    {
        QFile corrupt(path("corrupt.png"));
        QVERIFY(corrupt.open(QIODevice::WriteOnly));
        corrupt.write("\x89PNG\r\n\x1a\n this is not a png at all");
        corrupt.close();
        const QList<Run> runs = runAll({{"info", path("missing.png")}, {"info", path("corrupt.png")}});
        const Run& missing = runs[0];
        QCOMPARE(missing.code, 1);
        QVERIFY2(missing.err.startsWith("tessera-cli: " + path("missing.png") + ": "), qPrintable(missing.err));
        const Run& bad = runs[1];
        QCOMPARE(bad.code, 1);
        QVERIFY2(bad.err.contains("tessera-cli: " + path("corrupt.png") + ": "), qPrintable(bad.err));

    }

    void convert()
    {
        const QList<Run> runs = runAll({
            {"convert", path("in.tif"), "-o", path("out.png"), "--bits", "16", "--compression", "zip:9"},
            {"convert", path("in.tif"), "--output=" + path("out.jpg"), "--quality=80", "--no-metadata"},
            {"convert", path("in.png"), "-o", path("out.exr")},
        });
        const Run& run = runs[0];
        QCOMPARE(run.code, 0);
        QVERIFY(run.out.contains("wrote"));
        const Image source = readImage(path("in.tif").toStdString());
        const Image converted = readImage(path("out.png").toStdString());
        QCOMPARE(converted.metadata().sourceSampleType, SampleType::UInt16);
        QCOMPARE(converted.channels(), 4);
        for (int64_t i = 0; i < source.pixelCount() * 4; ++i)
            QCOMPARE(converted.data()[i], source.data()[i]);
        QVERIFY(converted.metadata().find("Artist"));

        // --no-metadata, --quality, "--opt=value", and 8-bit JPEG
        QCOMPARE(runs[1].code, 0);
        const Image jpegImage = readImage(path("out.jpg").toStdString());
        QCOMPARE(jpegImage.channels(), 3);
        QVERIFY(!jpegImage.metadata().find("Artist"));
        QVERIFY(jpegImage.metadata().iccProfile.empty());

        // bits 0: a 16-bit source becomes a half EXR
        QCOMPARE(runs[2].code, 0);
        QCOMPARE(readImage(path("out.exr").toStdString()).metadata().sourceSampleType, SampleType::Half);
    }

    void usageErrors()
    {
        const QString in = path("in.png");
        const QString out = path("usage.png");
        // arguments, then a piece of the message
        const QList<QPair<QStringList, QString>> cases{
            {{"info"}, "needs a FILE"},
            {{"info", "--verbose", in}, "unknown option '--verbose'"},
            {{"convert", in}, "needs -o"},
            {{"convert", in, "-o"}, "-o needs a value"},
            {{"convert", in, "-o", out, "--bits", "abc"}, "whole number"},
            {{"convert", in, "-o", out, "--bits", "12"}, "8, 16 or 32"},
            {{"convert", in, "-o", out, "--quality=101"}, "1-100"},
            {{"convert", in, "-o", out, "--fast"}, "unknown option"},
            {{"convert", in, "-o", out, "--bits", "8", "--bits", "16"}, "twice"},
        };
        QList<QStringList> invocations;
        for (const auto& c : cases)
            invocations.push_back(c.first);
        const QList<Run> runs = runAll(invocations);
        for (int i = 0; i < cases.size(); ++i) {
            const QString what = cases[i].first.join(' ') + " -> " + runs[i].err;
            QVERIFY2(runs[i].code == 2, qPrintable(what));
            QVERIFY2(runs[i].err.contains(cases[i].second), qPrintable(what));
        }
        QVERIFY(!QFileInfo::exists(out));
    }

    void convertFailures()
    {
        // a depth the format cannot hold: a failure, and the old file stays
        QFile old(path("keep.jpg"));
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("previous");
        old.close();
        const QList<Run> runs = runAll({
            {"convert", path("in.png"), "-o", path("keep.jpg"), "--bits", "16"},
            {"convert", path("corrupt-input.png"), "-o", path("x.png")},
            {"convert", path("in.png"), "-o", path("out.gif")},
            {"convert", path("in.png"), "-o", path("c.tif"), "--compression", "middle-out"},
        });
        const Run& bits = runs[0];
        QCOMPARE(bits.code, 1);
        QVERIFY2(bits.err.startsWith("tessera-cli: " + path("keep.jpg") + ": "), qPrintable(bits.err));
        QVERIFY(bits.err.contains("JPEG"));
        QFile check(path("keep.jpg"));
        QVERIFY(check.open(QIODevice::ReadOnly));
        QCOMPARE(check.readAll(), QByteArray("previous"));

        const Run& input = runs[1];
        QCOMPARE(input.code, 1);
        QVERIFY(input.err.startsWith("tessera-cli: " + path("corrupt-input.png") + ": "));

        const Run& format = runs[2];
        QCOMPARE(format.code, 1);
        QVERIFY(format.err.contains("unknown output format"));

        const Run& compression = runs[3];
        QCOMPARE(compression.code, 1);
        QVERIFY(compression.err.contains("unknown TIFF compression"));
        QVERIFY(QDir(m_dir.path()).entryList(QDir::Files | QDir::Hidden).filter(".tmp-").isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"

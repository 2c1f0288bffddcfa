// tessera-cli upscale end to end with a real model (label "model"): output
// size and bit depth, bad usage, and Ctrl+C (within a second, inside a tile),
// a second Ctrl+C, SIGTERM, SIGHUP and SIGQUIT leaving neither an output nor
// a temporary file.

#include "io/file_rows.h"
#include "image/image.h"
#include "pipeline/upscale_job.h"
#include "tiling/tiled_runner.h"
#include "io/image_reader.h"
#include "io/image_writer.h"

#include <QElapsedTimer>
#include "test_data.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>

using namespace tessera;

namespace {

std::filesystem::path modelPath()
{
    return std::filesystem::path(test::modelsDir().toStdString()) / "2x-AniScale.pth"; // tests/test_data.h
}

Image gradient(int width, int height)
{
    Image image(width, height, 3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            image.at(x, y, 0) = float(x) / float(width);
            image.at(x, y, 1) = float(y) / float(height);
            image.at(x, y, 2) = float((x * 7 + y * 3) % 64) / 64.0f;
        }
    return image;
}

struct Run {
    int exitCode = -1;
    QString err;
};

Run runCli(const QStringList& args)
{
    QProcess process;
    process.start(TESSERA_CLI_PATH, args);
    process.waitForFinished(120000);
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardError())};
}

bool hasTemporaryFile(const std::filesystem::path& folder)
{
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(folder, ec))
        if (entry.path().filename().string().find(".tmp-") != std::string::npos)
            return true;
    return false;
}

/// Starts tessera-cli with `args` and waits until a temporary output file
/// exists in `out` (the run is writing); false when the run ended first.
bool startWriting(QProcess& process, const QStringList& args, const std::filesystem::path& out)
{
    process.start(TESSERA_CLI_PATH, args);
    QElapsedTimer waited;
    waited.start();
    while (!hasTemporaryFile(out) && process.state() != QProcess::NotRunning && waited.elapsed() < 60000)
        process.waitForFinished(50);
    return hasTemporaryFile(out);
}

} // namespace

class TestCliUpscale : public QObject {
    Q_OBJECT
private slots:
    void init()
    {
        if (QByteArray(QTest::currentTestFunction()) != "fileStreamEqualsInMemory"
            && !std::filesystem::exists(modelPath()))
            QSKIP("2x-AniScale.pth not found (run scripts/setup.sh or set TESSERA_MODELS)");
    }

    void fileStreamEqualsInMemory()
    {
        // File -> tiled runner -> float TIFF, band by band, against the same
        // run in memory: bit for bit.
        QTemporaryDir dir;
        const std::string in = dir.filePath("in.exr").toStdString();
        Image image = gradient(201, 143);
        image.metadata().sourceSampleType = SampleType::Float;
        WriteOptions exact;
        exact.bits = 32;
        writeImage(image, in, exact);
        const Image source = readImage(in);

        TileModel model;
        model.scale = 2;
        model.receptiveRadius = 1;
        const at::Tensor kernel = at::full({3, 1, 3, 3}, 1.0f / 9.0f);
        model.forward = [kernel](const at::Tensor& x) {
            // x: [N, 3, H, W] -> blur -> [N, 3, 2H, 2W]
            at::Tensor y = at::conv2d(x, kernel, {}, 1, 1, 1, 3);
            return at::upsample_nearest2d(y, {x.size(2) * 2, x.size(3) * 2});
        };
        TiledOptions options;
        options.tileSize = 40;
        options.overlap = 4;
        options.sinkChunkRows = 9;
        const Image inMemory = upscaleImage(source, model, options);

        const std::string out = dir.filePath("out.tif").toStdString();
        {
            ImageFileReader reader(in);
            FileRowSource rows(reader);
            FileRowSink sink(out, reader.info().metadata, exact);
            runTiled(rows, sink, model, options);
            sink.finish();
        }
        const Image streamed = readImage(out);
        QCOMPARE(streamed.width(), inMemory.width());
        QCOMPARE(streamed.height(), inMemory.height());
        QVERIFY(std::memcmp(streamed.data(), inMemory.data(),
                            sizeof(float) * size_t(inMemory.pixelCount()) * 3) == 0);
    }

    void upscalesAndKeepsBitDepth()
    {
        QTemporaryDir dir;
        const std::string in = dir.filePath("in16.png").toStdString();
        Image image = gradient(90, 70);
        image.metadata().sourceSampleType = SampleType::UInt16;
        WriteOptions write;
        write.bits = 16;
        writeImage(image, in, write);
        const QString out = dir.filePath("out.png");
        const Run run = runCli({"upscale", QString::fromStdString(in), "-o", out, "-m",
                                QString::fromStdString(modelPath().string()), "--tile", "48"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const ImageFileInfo info = probeImage(out.toStdString());
        QCOMPARE(info.width, 180);
        QCOMPARE(info.height, 140);
        QCOMPARE(info.metadata.sourceSampleType, SampleType::UInt16);
        QVERIFY(run.err.contains("upscale: "));
    }

    // The PNG deflate level is the user's: the same pixels, smaller at 9
    // than at 0; a misspelt name is refused naming the file.
    void compressionLevelIsAnOption()
    {
        QTemporaryDir dir;
        const std::string in = dir.filePath("in.png").toStdString();
        writeImage(gradient(90, 70), in);
        const QString model = QString::fromStdString(modelPath().string());
        const QString stored = dir.filePath("stored.png"), smallest = dir.filePath("smallest.png");
        const Run none = runCli({"upscale", QString::fromStdString(in), "-o", stored, "-m", model, "--compression", "none"});
        QVERIFY2(none.exitCode == 0, qPrintable(none.err));
        const Run nine = runCli({"upscale", QString::fromStdString(in), "-o", smallest, "-m", model, "--compression", "zip:9"});
        QVERIFY2(nine.exitCode == 0, qPrintable(nine.err));
        QVERIFY(QFileInfo(stored).size() >= 180 * 140 * 3);                  // measured: 75834 bytes
        QVERIFY(QFileInfo(smallest).size() * 3 < QFileInfo(stored).size() * 2); // 45498
        const Image a = readImage(stored.toStdString()), b = readImage(smallest.toStdString());
        QVERIFY(std::memcmp(a.data(), b.data(), sizeof(float) * size_t(a.pixelCount()) * 3) == 0);
        const Run typo = runCli({"upscale", QString::fromStdString(in), "-o", dir.filePath("typo.png"), "-m", model,
                                 "--compression", "zipp"});
        QCOMPARE(typo.exitCode, 1);
        QVERIFY2(typo.err.contains("typo.png") && typo.err.contains("unknown PNG compression 'zipp'"), qPrintable(typo.err));
        QVERIFY(!QFileInfo::exists(dir.filePath("typo.png")));
    }

    void outputEqualsTheTiledRunner_data()
    {
        QTest::addColumn<QStringList>("tiling");
        QTest::addColumn<int>("tileSize");
        QTest::newRow("tiles of 48") << QStringList{"--tile", "48", "--overlap", "8", "--halo", "12"} << 48;
        QTest::newRow("auto: one tile") << QStringList{} << 0;
    }

    void outputEqualsTheTiledRunner()
    {
        // The CLI's float TIFF equals core's tiled runner called directly on
        // the same model and plan, bit for bit.
        QFETCH(QStringList, tiling);
        QFETCH(int, tileSize);
        QTemporaryDir dir;
        const std::string in = dir.filePath("in.exr").toStdString();
        Image image = gradient(90, 70);
        image.metadata().sourceSampleType = SampleType::Float;
        WriteOptions exact;
        exact.bits = 32;
        writeImage(image, in, exact);
        const QString out = dir.filePath("out.tif");
        const Run run = runCli(QStringList{"upscale", QString::fromStdString(in), "-o", out, "-m",
                                           QString::fromStdString(modelPath().string()), "--bits", "32"}
                               + tiling);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        if (tileSize == 0)
            QVERIFY2(run.err.contains("one tile"), qPrintable(run.err));

        const Image source = readImage(in);
        UpscaleSettings settings;
        settings.modelPath = modelPath().string();
        UpscaleJob job;
        TiledOptions options;
        options.tileSize = tileSize > 0 ? tileSize : std::max(source.width(), source.height());
        options.overlap = tileSize > 0 ? 8 : -1;
        options.halo = tileSize > 0 ? 12 : -1;
        const Image expected = upscaleImage(source, job.tileModel(settings), options);
        const Image written = readImage(out.toStdString());
        QCOMPARE(written.width(), expected.width());
        QCOMPARE(written.height(), expected.height());
        QVERIFY(std::memcmp(written.data(), expected.data(), sizeof(float) * size_t(expected.pixelCount()) * 3) == 0);
    }

    void badUsage()
    {
        QTemporaryDir dir;
        const QString model = QString::fromStdString(modelPath().string());
        QCOMPARE(runCli({"upscale", "in.png", "-o", dir.filePath("o.png")}).exitCode, 2);
        QCOMPARE(runCli({"upscale", "in.png", "-o", dir.filePath("o.xyz"), "-m", model}).exitCode, 2);
        QCOMPARE(runCli({"upscale", "in.png", "-o", dir.filePath("o.png"), "-m", model, "--tile", "x"}).exitCode, 2);
        QCOMPARE(runCli({"upscale", "in.png", "-o", dir.filePath("o.png"), "-m", model, "--blend", "cubic"}).exitCode, 2);
        // A missing input is a failure with a message, not a crash.
        const Run missing = runCli({"upscale", dir.filePath("missing.png"), "-o", dir.filePath("o.png"), "-m", model});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(!std::filesystem::exists(dir.filePath("o.png").toStdString()));
    }

    void interruptLeavesNoFile()
    {
        QTemporaryDir dir;
        const std::string in = dir.filePath("big.png").toStdString();
        writeImage(gradient(640, 640), in);
        const QString out = dir.filePath("out.tif");
        QProcess process;
        process.start(TESSERA_CLI_PATH, {"upscale", QString::fromStdString(in), "-o", out, "-m",
                                         QString::fromStdString(modelPath().string()), "--tile", "32"});
        QVERIFY(process.waitForStarted());
        // The first progress line comes once the model is loaded and tiling runs.
        QByteArray err;
        while (!err.contains("upscale: ") && process.state() == QProcess::Running) {
            process.waitForReadyRead(200);
            err += process.readAllStandardError();
        }
        QVERIFY2(process.state() == QProcess::Running, err.constData());
        QTest::qWait(300);
        ::kill(pid_t(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 130);
        QVERIFY(!std::filesystem::exists(out.toStdString()));
        // No temporary file left behind either: only the input remains.
        int files = 0;
        for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path().toStdString()))
            ++files;
        QCOMPARE(files, 1);
    }

    void signalLeavesNoTemporaryFile_data()
    {
        QTest::addColumn<int>("number");
        QTest::newRow("SIGTERM") << int(SIGTERM);
        QTest::newRow("SIGHUP") << int(SIGHUP);
        QTest::newRow("SIGQUIT") << int(SIGQUIT);
    }

    void signalLeavesNoTemporaryFile()
    {
        // Mid-run, with the temporary output open: the process ends at once
        // with 128 + the signal and removes the temporary file first.
        QFETCH(int, number);
        QTemporaryDir dir;
        const std::filesystem::path in = dir.filePath("in").toStdString();
        const std::filesystem::path out = dir.filePath("out").toStdString();
        std::filesystem::create_directories(in);
        writeImage(gradient(384, 384), (in / "big.png").string());
        QProcess process;
        QVERIFY2(startWriting(process, {"upscale", QString::fromStdString(in.string()), "-o",
                                        QString::fromStdString(out.string()), "-m",
                                        QString::fromStdString(modelPath().string()), "--tile", "96"}, out),
                 process.readAllStandardError().constData());
        ::kill(pid_t(process.processId()), number);
        QVERIFY(process.waitForFinished(3000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 128 + number);
        QVERIFY(std::filesystem::is_empty(out));
    }

    // Ctrl+C inside the only tile of an ESRGAN run: the forward polls the
    // cancel between convolutions, so the process ends within a second (the
    // probe waited 38-41 s for a YandereNeo tile) and leaves nothing.
    void interruptInsideOneTileEndsWithinASecond()
    {
        const std::filesystem::path model = modelPath().parent_path() / "4x-NMKD-YandereNeo-Superlite.pth";
        if (!std::filesystem::exists(model))
            QSKIP("4x-NMKD-YandereNeo-Superlite.pth not found (run scripts/setup.sh or set TESSERA_MODELS)");
        QTemporaryDir dir;
        const std::filesystem::path in = dir.filePath("in.png").toStdString();
        const std::filesystem::path out = dir.filePath("out").toStdString();
        std::filesystem::create_directories(out);
        writeImage(gradient(256, 256), in.string());
        QProcess process;
        // One tile of 256 px: about 4 s of forward on two cores.
        QVERIFY2(startWriting(process, {"upscale", QString::fromStdString(in.string()), "-o",
                                        QString::fromStdString((out / "out.png").string()), "-m",
                                        QString::fromStdString(model.string()), "--tile", "256"}, out),
                 process.readAllStandardError().constData());
        QTest::qWait(1000); // inside the forward
        QVERIFY(process.state() == QProcess::Running);
        QElapsedTimer clock;
        clock.start();
        ::kill(pid_t(process.processId()), SIGINT);
        QVERIFY(process.waitForFinished(10000));
        const qint64 latency = clock.elapsed();
        qInfo("exited %lld ms after Ctrl+C", latency);
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 130);
        QVERIFY2(latency < 1000, qPrintable(QString("%1 ms").arg(latency)));
        QVERIFY(std::filesystem::is_empty(out));
    }

    void secondInterruptStopsAtOnce()
    {
        // A second Ctrl+C while the first one's cancel is pending ends the
        // process at once, removing the temporary file. The first one now
        // stops the forward itself within a second, so the process may be
        // gone before the second comes: then it ended by the first.
        QTemporaryDir dir;
        const std::filesystem::path in = dir.filePath("big.png").toStdString();
        const std::filesystem::path out = dir.filePath("out").toStdString();
        writeImage(gradient(512, 512), in.string());
        QProcess process;
        QVERIFY2(startWriting(process, {"upscale", QString::fromStdString(in.string()), "-o",
                                        QString::fromStdString(out.string()) + "/", "-m",
                                        QString::fromStdString(modelPath().string()), "--tile", "512"}, out),
                 process.readAllStandardError().constData());
        ::kill(pid_t(process.processId()), SIGINT);
        QByteArray err;
        while (!err.contains("Ctrl+C again") && process.state() == QProcess::Running) {
            process.waitForReadyRead(100);
            err += process.readAllStandardError();
        }
        if (process.state() == QProcess::Running)
            ::kill(pid_t(process.processId()), SIGINT);
        // waitForFinished() is false for a process that has already finished.
        QVERIFY(process.state() == QProcess::NotRunning || process.waitForFinished(3000));
        err += process.readAllStandardError();
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 130);
        // The second's stop (not the ordinary cancel), or the first's cancel:
        // finished, or stopped by the second while it printed its summary
        // ("cancelled: ", after which Ctrl+C exits at once without a word).
        QVERIFY2(err.contains("interrupted again, stopping now") || err.contains("tessera-cli: cancelled")
                     || err.contains("\ncancelled: "),
                 err.constData());
        QVERIFY(std::filesystem::is_empty(out));
    }
};

QTEST_GUILESS_MAIN(TestCliUpscale)
#include "tst_cli_upscale.moc"

// The model registry (scanning a folder, describing each file, per-file
// errors, ncnn scales from the graph) and `tessera-cli models DIR` run as a
// process on the same folder, also on a folder of the hostile-input probe's
// files (issue 10): each gets a one-line reason and the others are listed.

#include "common/error.h"
#include "models/loaders/safetensors.h"
#include "pipeline/model_registry.h"
#include "diffusion_fixtures.h"
#include "support/model_files.h"
#include "core/models/torch_file_writer.h"

#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace tessera;

namespace {

// Folder: compact.safetensors, sub/broken.pth, ncnn/up2x-model.param (+ .bin), notes.txt
void fillFolder(const QTemporaryDir& dir)
{
    QDir(dir.path()).mkpath("sub");
    QDir(dir.path()).mkpath("ncnn");
    test::writeCompactUpscaler(dir.filePath("2x-compact.safetensors").toStdString());
    QFile broken(dir.filePath("sub/broken.pth"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("PK\x03\x04 this is not really a zip");
    broken.close();
    test::writeNcnnUpscaler(dir.filePath("ncnn/up2x-model.param").toStdString(), 2);
    QFile notes(dir.filePath("notes.txt"));
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("hello");
}

// A valid safetensors header for one F16 tensor [rows, columns], the data a hole
// (a sparse file: nothing is written, nothing is stored).
void writeSparseSafetensors(const std::string& path, const std::string& key, int64_t rows, int64_t columns)
{
    const uint64_t bytes = uint64_t(rows) * uint64_t(columns) * 2;
    std::string header = "{\"" + key + "\":{\"dtype\":\"F16\",\"shape\":[" + std::to_string(rows) + ","
                         + std::to_string(columns) + "],\"data_offsets\":[0," + std::to_string(bytes) + "]}}";
    while (header.size() % 8)
        header.push_back(' ');
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        for (int i = 0; i < 8; ++i)
            out.put(char(uint64_t(header.size()) >> (8 * i)));
        out << header;
    }
    std::filesystem::resize_file(path, 8 + header.size() + bytes);
}

// Peak resident set (VmHWM) of this process in bytes.
int64_t peakResident()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stoll(line.substr(6)) * 1024;
    return 0;
}

// The probe's hostile files beside one good model; returns how many files there are.
int fillHostileFolder(const QTemporaryDir& dir)
{
    const auto at = [&](const char* name) { return dir.filePath(name).toStdString(); };
    test::writeCompactUpscaler(at("2x-compact.safetensors"));
    ::mkfifo(at("fifo.pth").c_str(), 0600);
    std::filesystem::create_symlink("/dev/zero", at("zero.safetensors"));
    test::writePushesPth(at("pushes.pth"), 'N', 30'000'000, false); // 30 MB of pickled None
    std::ofstream(at("sparse.pth")).close();
    std::filesystem::resize_file(at("sparse.pth"), uint64_t(8) << 30);
    std::ofstream(at("huge-input.param")) << "7767517\n1 1\nInput in 0 1 data 0=100000 1=100000 2=100000\n";
    std::ofstream(at("huge-input.bin")).close();
    std::ofstream(at("interp-x100.param")) << "7767517\n2 2\nInput in 0 1 data\nInterp up 1 1 data out 0=1 1=100.0 2=100.0\n";
    std::ofstream(at("interp-x100.bin")).close();
    return 7;
}

} // namespace

class TestRegistry : public QObject {
    Q_OBJECT
private slots:
    void scansFolder()
    {
        QTemporaryDir dir;
        fillFolder(dir);
        const std::vector<ModelEntry> entries = scanModels(dir.path().toStdString());
        QCOMPARE(int(entries.size()), 3);
        QCOMPARE(QString::fromStdString(entries[0].name), QString("2x-compact.safetensors"));
        QCOMPARE(QString::fromStdString(entries[0].architecture), QString("SRVGGNetCompact"));
        QCOMPARE(entries[0].scale, 2);
        QVERIFY(entries[0].parameterCount > 0);
        QVERIFY(entries[0].fileSize > 0);
        QVERIFY(entries[0].error.empty());
        QVERIFY(entries[0].info.has_value());
        QCOMPARE(entries[0].info->featureChannels, 8);
        QCOMPARE(entries[0].info->receptiveRadius, 4);
        QCOMPARE(entries[0].info->inputMultiple, 1);
        QCOMPARE(QString::fromStdString(entries[1].name), QString("ncnn/up2x-model.param"));
        QCOMPARE(QString::fromStdString(entries[1].architecture), QString("ncnn"));
        QCOMPARE(entries[1].scale, 2); // from the graph's PixelShuffle
        QVERIFY2(entries[1].error.empty(), entries[1].error.c_str());
        QCOMPARE(QString::fromStdString(entries[2].name), QString("sub/broken.pth"));
        QVERIFY(!entries[2].error.empty());
    }

    void ncnnScaleFromTheGraphNotTheName_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("scale");
        QTest::newRow("x4 named -x2") << "realesr-animevideov3-x2.param" << 4;
        QTest::newRow("x2 named up3x") << "up3x-conservative.param" << 2;
        QTest::newRow("x3 without a scale in the name") << "model.param" << 3;
    }
    void ncnnScaleFromTheGraphNotTheName()
    {
        QFETCH(QString, name);
        QFETCH(int, scale);
        QTemporaryDir dir;
        test::writeNcnnUpscaler(dir.filePath(name).toStdString(), scale);
        const ModelEntry entry = describeModelFile(dir.filePath(name).toStdString());
        QVERIFY2(entry.error.empty(), entry.error.c_str());
        QCOMPARE(entry.scale, scale);
        QCOMPARE(entry.info->scale, scale);
        QCOMPARE(QString::fromStdString(entry.architecture), QString("ncnn"));
        // A graph that is no graph has no scale, whatever its name says.
        QFile garbage(dir.filePath("up4x-garbage.param"));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("not an ncnn graph\n");
        garbage.close();
        const ModelEntry broken = describeModelFile(dir.filePath("up4x-garbage.param").toStdString());
        QCOMPARE(broken.scale, 0);
        QVERIFY2(QString::fromStdString(broken.error).contains("not an ncnn .param file"), broken.error.c_str());
    }

    void missingFolderFails()
    {
        try {
            scanModels("/nonexistent/tessera/models");
            QFAIL("scanned a folder that does not exist");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::Io);
        }
    }

    void describesFromHeadersOnly()
    {
        // 3 GB of fp16 weights that are never read: the entry comes from the header.
        QTemporaryDir dir;
        const std::string path = dir.filePath("sdxl-like.safetensors").toStdString();
        writeSparseSafetensors(path, "model.diffusion_model.input_blocks.0.0.weight", 1536, 1 << 20);
        const int64_t before = peakResident();
        const ModelEntry entry = describeModelFile(path);
        QVERIFY(entry.fileSize > (3ll << 30));
        // A UNet's first key alone: read as a diffusion checkpoint whose UNet is incomplete.
        QVERIFY2(QString::fromStdString(entry.error).contains("model.diffusion_model."), entry.error.c_str());
        QVERIFY(entry.error.find('\n') == std::string::npos);
        QVERIFY(!entry.info.has_value());
        const int64_t grown = peakResident() - before;
        QVERIFY2(grown < (64 << 20), qPrintable(QString("peak resident grew by %1 MiB").arg(grown >> 20)));
    }

    void describesDiffusionCheckpoints()
    {
        // The tiny SDXL base and a standalone VAE with the real key structure,
        // beside an upscale model: family and components from the headers.
        QTemporaryDir dir;
        fillFolder(dir);
        test::composeCheckpoint(dir, "sdxl_base_tiny.safetensors",
                                {{"model.diffusion_model.", "unet_sdxl_base_tiny.safetensors"},
                                 {"first_stage_model.", "vae_tiny.safetensors"},
                                 {"conditioner.embedders.0.transformer.", "clip_l_tiny.safetensors"},
                                 {"conditioner.embedders.1.model.", "clip_g_tiny.safetensors"}});
        test::composeCheckpoint(dir, "vae_tiny.safetensors", {{"", "vae_tiny.safetensors"}});
        QElapsedTimer timer;
        timer.start();
        const std::vector<ModelEntry> entries = scanModels(dir.path().toStdString());
        const qint64 scanMs = timer.elapsed();
        QCOMPARE(int(entries.size()), 5);
        const ModelEntry& sdxl = entries[2]; // sorted: 2x-compact, ncnn/, sdxl_base_tiny, sub/, vae_tiny
        QCOMPARE(QString::fromStdString(sdxl.name), QString("sdxl_base_tiny.safetensors"));
        QCOMPARE(sdxl.kind, ModelKind::Diffusion);
        QCOMPARE(QString::fromStdString(sdxl.architecture), QString("SDXL base"));
        QVERIFY2(sdxl.error.empty(), sdxl.error.c_str());
        const QString details = QString::fromStdString(sdxl.details);
        QVERIFY2(details.contains("UNet") && details.contains("VAE") && details.contains("CLIP-L")
                     && details.contains("bigG") && details.contains("ADM 1568"),
                 qPrintable(details));
        QCOMPARE(entries[4].kind, ModelKind::Vae);
        QCOMPARE(QString::fromStdString(entries[4].architecture), QString("VAE"));
        QCOMPARE(entries[0].kind, ModelKind::Upscale);
        // Headers only: five files in well under a second each.
        QVERIFY2(scanMs < 2000, qPrintable(QString("scan took %1 ms").arg(scanMs)));
    }

    void refusesFifo()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("pipe.safetensors").toStdString();
        QCOMPARE(::mkfifo(path.c_str(), 0600), 0);
        const ModelEntry entry = describeModelFile(path); // must not block waiting for a writer
        QCOMPARE(QString::fromStdString(entry.error), QString::fromStdString(path + ": not a regular file (a FIFO)"));
        // Listed with its reason, not passed over in silence.
        const std::vector<ModelEntry> entries = scanModels(dir.path().toStdString());
        QCOMPARE(int(entries.size()), 1);
        QCOMPARE(QString::fromStdString(entries[0].error), QString::fromStdString(entry.error));
    }

    void hostileFilesListedWithTheirReasons()
    {
        QTemporaryDir dir;
        const int files = fillHostileFolder(dir);
        const int64_t before = peakResident();
        QElapsedTimer timer;
        timer.start();
        const std::vector<ModelEntry> entries = scanModels(dir.path().toStdString());
        const qint64 elapsed = timer.elapsed();
        const int64_t grown = peakResident() - before;
        qInfo("%d hostile files listed in %lld ms, peak resident +%lld MiB", files - 1, elapsed, (long long)(grown >> 20));
        QCOMPARE(int(entries.size()), files);
        const QStringList reasons = {
            "", // 2x-compact.safetensors
            "fifo.pth: not a regular file (a FIFO)",
            "huge-input.param:3: Input layer 'in': declares 100000 input channels",
            "interp-x100.param:4: Interp layer 'up': enlarges the input 100 times",
            "pushes.pth: the pickle builds more objects than a file of its size can describe",
            "sparse.pth: not a PyTorch checkpoint or safetensors file (unrecognised first bytes)",
            "zero.safetensors: not a regular file (a character device)",
        };
        for (size_t i = 0; i < entries.size(); ++i) {
            const QString error = QString::fromStdString(entries[i].error);
            QVERIFY2(reasons[int(i)].isEmpty() ? error.isEmpty() : error.contains(reasons[int(i)]),
                     qPrintable(QString::fromStdString(entries[i].name) + ": " + error));
            QVERIFY(!error.contains('\n'));
        }
        QCOMPARE(entries[0].scale, 2);
        QVERIFY2(elapsed < 3000, qPrintable(QString("%1 ms").arg(elapsed)));
        QVERIFY2(grown < (512 << 20), qPrintable(QString("peak resident grew by %1 MiB").arg(grown >> 20)));
    }

    void cliListsHostileFolder()
    {
#ifndef TESSERA_CLI_PATH
        QSKIP("tessera-cli is not built (TESSERA_WITH_IO is off)");
#else
        QTemporaryDir dir;
        const int files = fillHostileFolder(dir);
        QElapsedTimer timer;
        timer.start();
        QProcess cli;
        cli.start(TESSERA_CLI_PATH, {"models", dir.path()});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const QStringList lines = QString::fromUtf8(cli.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), files);
        QVERIFY2(lines[0].startsWith("2x-compact.safetensors") && lines[0].contains(" x2 ") && !lines[0].contains("error:"),
                 qPrintable(lines[0]));
        for (int i = 1; i < files; ++i)
            QVERIFY2(lines[i].contains("error: " + dir.path()), qPrintable(lines[i]));
        QVERIFY2(timer.elapsed() < 10000, qPrintable(QString("%1 ms").arg(timer.elapsed())));
#endif
    }

    void cliListsModels()
    {
#ifndef TESSERA_CLI_PATH
        QSKIP("tessera-cli is not built (TESSERA_WITH_IO is off)");
#else
        QTemporaryDir dir;
        fillFolder(dir);
        QProcess cli;
        cli.start(TESSERA_CLI_PATH, {"models", dir.path()});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const QStringList lines = QString::fromUtf8(cli.readAllStandardOutput()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines[0].startsWith("2x-compact.safetensors") && lines[0].contains("SRVGGNetCompact")
                     && lines[0].contains(" x2 "),
                 qPrintable(lines[0]));
        QVERIFY2(lines[1].contains("ncnn") && lines[1].contains(" x2 "), qPrintable(lines[1]));
        QVERIFY2(lines[2].startsWith("sub/broken.pth") && lines[2].contains("error:"), qPrintable(lines[2]));
        // Columns are aligned: the architecture starts at the same offset on every line.
        QCOMPARE(lines[0].indexOf("SRVGGNetCompact"), lines[1].indexOf(" ncnn ") + 1);

        QProcess missing;
        missing.start(TESSERA_CLI_PATH, {"models", dir.filePath("nope")});
        QVERIFY(missing.waitForFinished(60000));
        QCOMPARE(missing.exitCode(), 1);
#endif
    }
};

QTEST_GUILESS_MAIN(TestRegistry)
#include "tst_model_registry.moc"

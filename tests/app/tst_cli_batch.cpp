// tessera-cli upscale over many files into a folder (issue 10, "Batch"): names
// and sizes of the outputs, a corrupt file reported while the rest go on,
// --skip-existing resuming without touching outputs, --shard covering a folder
// exactly once, --recursive keeping subfolders, and -o refused before any work
// when it is a file. A tiny zero-weight compact x2 model keeps each run short.

#include "image/image.h"
#include "io/image_reader.h"
#include "io/image_writer.h"
#include "support/model_files.h" // LibTorch before Qt: Qt's `slots` macro breaks its headers
#include "support/cli_process.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace tessera;
namespace fs = std::filesystem;

namespace {

void writeGradient(const fs::path& path, int width, int height)
{
    fs::create_directories(path.parent_path());
    Image image(width, height, 3);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < 3; ++c)
                image.at(x, y, c) = float((x * 5 + y * 3 + c * 7) % 32) / 31.0f;
    writeImage(image, path.string());
}

/// Every file below `folder` (hidden ones too), as sorted relative paths.
QStringList filesBelow(const fs::path& folder)
{
    QStringList files;
    for (const auto& entry : fs::recursive_directory_iterator(folder))
        if (entry.is_regular_file())
            files << QString::fromStdString(entry.path().lexically_relative(folder).generic_string());
    files.sort();
    return files;
}

QString text(const fs::path& path)
{
    return QString::fromStdString(path.string());
}

} // namespace

class TestCliBatch : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_root;
    QString m_model;

    std::pair<int, QString> upscale(const QStringList& args)
    {
        return test::runProgram(TESSERA_CLI_PATH, QStringList{"upscale"} + args + QStringList{"-m", m_model});
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_root = m_dir.path().toStdString();
        m_model = text(m_root / "2x-compact.safetensors");
        test::writeCompactUpscaler(m_model.toStdString());
    }

    void folderWithACorruptFileAndSkipExisting()
    {
        const fs::path in = m_root / "mixed";
        const fs::path out = m_root / "mixed-out";
        writeGradient(in / "a.png", 40, 30);
        writeGradient(in / "b.tif", 24, 20);
        std::ofstream(in / "c.png") << "not a png at all";
        std::ofstream(in / "notes.txt") << "not an image: a folder's listing leaves it out";

        const auto [code, output] = upscale({text(in), "-o", text(out)});
        QVERIFY2(code == 1, qPrintable(output));
        QCOMPARE(filesBelow(out), (QStringList{"a-x2.png", "b-x2.tif"}));
        const ImageFileInfo a = probeImage((out / "a-x2.png").string());
        QCOMPARE(a.width, 80);
        QCOMPARE(a.height, 60);
        const ImageFileInfo b = probeImage((out / "b-x2.tif").string());
        QCOMPARE(b.width, 48);
        QCOMPARE(b.height, 40);
        QVERIFY2(output.contains("2 upscaled, 0 skipped, 1 failed:\n  " + text(in / "c.png") + ": "), qPrintable(output));
        QVERIFY2(output.contains("file 3/3 c.png"), qPrintable(output));
        QVERIFY2(!output.contains("notes.txt"), qPrintable(output));

        // A rerun with --skip-existing writes nothing: the outputs keep their times.
        const auto aTime = fs::last_write_time(out / "a-x2.png");
        const auto bTime = fs::last_write_time(out / "b-x2.tif");
        const auto [again, againOutput] = upscale({text(in), "-o", text(out), "--skip-existing"});
        QVERIFY2(again == 1, qPrintable(againOutput)); // c.png still fails
        QVERIFY2(againOutput.contains("0 upscaled, 2 skipped, 1 failed:"), qPrintable(againOutput));
        QVERIFY(fs::last_write_time(out / "a-x2.png") == aTime);
        QVERIFY(fs::last_write_time(out / "b-x2.tif") == bTime);
        QCOMPARE(filesBelow(out), (QStringList{"a-x2.png", "b-x2.tif"}));
    }

    void shardsCoverTheFolderOnce()
    {
        const fs::path in = m_root / "five";
        QStringList all;
        for (const char* name : {"p1", "p2", "p3", "p4", "p5"}) {
            writeGradient(in / (std::string(name) + ".png"), 16, 12);
            all << QString(name) + "-x2.png";
        }
        const auto [first, firstOutput] = upscale({text(in), "-o", text(m_root / "shard0"), "--shard", "0/2"});
        const auto [second, secondOutput] = upscale({text(in), "-o", text(m_root / "shard1"), "--shard", "1/2"});
        QVERIFY2(first == 0, qPrintable(firstOutput));
        QVERIFY2(second == 0, qPrintable(secondOutput));
        // Every second file of the sorted list, from the first and from the second.
        QCOMPARE(filesBelow(m_root / "shard0"), (QStringList{"p1-x2.png", "p3-x2.png", "p5-x2.png"}));
        QCOMPARE(filesBelow(m_root / "shard1"), (QStringList{"p2-x2.png", "p4-x2.png"}));

        for (const QString& shard : {QString("2/2"), QString("-1/2"), QString("0/0"), QString("1")}) {
            const auto [code, output] = upscale({text(in), "-o", text(m_root / "bad-shard"), "--shard", shard});
            QVERIFY2(code == 2, qPrintable(shard + ": " + output));
            QVERIFY2(output.contains("0 <= I < N"), qPrintable(output));
        }
        QVERIFY(!fs::exists(m_root / "bad-shard"));
    }

    void recursiveKeepsSubfolders()
    {
        const fs::path in = m_root / "tree";
        writeGradient(in / "top.png", 16, 12);
        writeGradient(in / "sub" / "inner.png", 12, 16);
        writeGradient(in / "sub" / "deeper" / "leaf.jpg", 8, 8);
        writeGradient(in / ".hidden" / "skipped.png", 8, 8);

        const fs::path out = m_root / "tree-out";
        const auto [code, output] = upscale({text(in), "-o", text(out), "--recursive", "--format", "tif", "--suffix", "_up"});
        QVERIFY2(code == 0, qPrintable(output));
        QCOMPARE(filesBelow(out), (QStringList{"sub/deeper/leaf_up.tif", "sub/inner_up.tif", "top_up.tif"}));
        const ImageFileInfo inner = probeImage((out / "sub" / "inner_up.tif").string());
        QCOMPARE(inner.width, 24);
        QCOMPARE(inner.height, 32);
        QVERIFY2(output.contains("3 upscaled, 0 skipped, 0 failed"), qPrintable(output));

        // Without --recursive only the folder's own files.
        const fs::path flat = m_root / "tree-flat";
        const auto [flatCode, flatOutput] = upscale({text(in), "-o", text(flat)});
        QVERIFY2(flatCode == 0, qPrintable(flatOutput));
        QCOMPARE(filesBelow(flat), QStringList{"top-x2.png"});
    }

    void outputFileRefusedBeforeWork()
    {
        const fs::path in = m_root / "two";
        writeGradient(in / "one.png", 8, 8);
        writeGradient(in / "two.png", 8, 8);
        const fs::path existing = m_root / "existing.png";
        writeGradient(existing, 4, 4);
        const auto before = fs::last_write_time(existing);

        const auto [code, output] =
            upscale({text(in / "one.png"), text(in / "two.png"), "-o", text(existing)});
        QVERIFY2(code == 2, qPrintable(output));
        QVERIFY2(output.contains("is a file"), qPrintable(output));
        QVERIFY2(!output.contains("file 1/"), qPrintable(output)); // no file was started
        QVERIFY(fs::last_write_time(existing) == before);

        // A folder into a name that is not there yet but reads as a file name.
        const auto [named, namedOutput] = upscale({text(in), "-o", text(m_root / "new.png")});
        QVERIFY2(named == 2, qPrintable(namedOutput));
        QVERIFY2(namedOutput.contains("looks like a file name"), qPrintable(namedOutput));
        QVERIFY(!fs::exists(m_root / "new.png"));
    }
};

QTEST_GUILESS_MAIN(TestCliBatch)
#include "tst_cli_batch.moc"

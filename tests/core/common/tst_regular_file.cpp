// Only regular files are read: a FIFO, /dev/zero, /dev/urandom and a folder
// are refused by kind, at once (a FIFO would block an open, the devices never
// end), with one line naming the file.

#include "common/error.h"
#include "common/regular_file.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include <sys/stat.h>

using namespace tessera;

namespace {

QString errorOf(const std::function<void()>& open)
{
    try {
        open();
    } catch (const Error& error) {
        if (error.code() != ErrorCode::Io)
            return QString("wrong code: ") + errorCodeName(error.code());
        return QString::fromStdString(error.what());
    }
    return "nothing thrown";
}

} // namespace

class TestRegularFile : public QObject {
    Q_OBJECT
private slots:
    void refusesByKind_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("kind");
        QTest::newRow("/dev/zero") << "/dev/zero" << "a character device";
        QTest::newRow("/dev/urandom") << "/dev/urandom" << "a character device";
        QTest::newRow("folder") << "/tmp" << "a folder";
    }
    void refusesByKind()
    {
        QFETCH(QString, path);
        QFETCH(QString, kind);
        const std::string file = path.toStdString();
        const QString expected = path + ": not a regular file (" + kind + ")";
        QCOMPARE(errorOf([&] { requireRegularFile(file); }), expected);
        QCOMPARE(errorOf([&] { RegularFile opened(file); }), expected);
        QCOMPARE(errorOf([&] { readRegularFile(file, 1 << 20); }), expected);
    }

    void refusesFifoWithoutBlocking()
    {
        QTemporaryDir dir;
        const std::string fifo = dir.filePath("model.param").toStdString();
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        QElapsedTimer timer;
        timer.start();
        const QString expected = QString::fromStdString(fifo) + ": not a regular file (a FIFO)";
        QCOMPARE(errorOf([&] { requireRegularFile(fifo); }), expected);
        QCOMPARE(errorOf([&] { RegularFile opened(fifo); }), expected);
        QCOMPARE(errorOf([&] { readRegularFile(fifo, 1 << 20); }), expected);
        QVERIFY(timer.elapsed() < 1000);
    }

    void missingFileNamed()
    {
        const QString message = errorOf([] { requireRegularFile("/nonexistent/tessera.pth"); });
        QVERIFY2(message.startsWith("/nonexistent/tessera.pth: cannot open the file ("), qPrintable(message));
    }

    void readsSmallFilesAndRefusesLargeOnesBySize()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("graph.param").toStdString();
        std::ofstream(path) << "7767517\n1 1\n";
        QCOMPARE(QString::fromStdString(readRegularFile(path, 64)), QString("7767517\n1 1\n"));
        QCOMPARE(RegularFile(path).size(), uint64_t(12));
        QCOMPARE(requireRegularFile(path), uint64_t(12));
        // 8 GiB of nothing (a sparse file): refused from its size, never read.
        const std::string sparse = dir.filePath("sparse.param").toStdString();
        std::ofstream(sparse).close();
        std::filesystem::resize_file(sparse, uint64_t(8) << 30);
        QElapsedTimer timer;
        timer.start();
        const QString message = errorOf([&] { readRegularFile(sparse, 64 << 20); });
        QVERIFY2(message == QString::fromStdString(sparse) + ": the file is 8192 MiB, larger than the 64 MiB such a file can be",
                 qPrintable(message));
        QVERIFY(timer.elapsed() < 1000);
    }
};

QTEST_GUILESS_MAIN(TestRegularFile)
#include "tst_regular_file.moc"

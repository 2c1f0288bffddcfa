// Image I/O on bad input and failing writes: truncated and corrupt files of
// every format give a tessera::Error (never a crash), the pixel limit refuses
// before allocating, and a failed write leaves the previous file intact with
// no temporary file behind.

#include "common/error.h"
#include "image/image.h"
#include "io/image_reader.h"
#include "io/image_writer.h"
#include "io_test_util.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

#include <sys/stat.h>
#include <unistd.h>
#include "support/error_checks.h"

using namespace tessera;
using namespace tessera::test;

namespace {

/// Runs `read` and reports how it ended: "ok", or the error code's name.
template<typename F>
QString outcome(F&& read)
{
    try {
        read();
        return "ok";
    } catch (const Error& error) {
        return errorCodeName(error.code());
    }
}

} // namespace

class TestImageIoErrors : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString qpath(const QString& name) const { return m_dir.filePath(name); }
    std::string path(const QString& name) const { return qpath(name).toStdString(); }

    /// A valid file of the given extension (BMP and TGA hand-made).
    QByteArray validFile(const QString& extension)
    {
        if (extension == "bmp")
            return makeBmp(33, 21, true);
        if (extension == "tga")
            return makeTga(33, 21);
        Image image = makeGradient(33, 21, extension == "jpg" ? 3 : 4, 8);
        image.metadata().setString("ImageDescription", "a description long enough to matter");
        const std::string file = path("valid." + extension);
        writeImage(image, file);
        return readBytes(QString::fromStdString(file));
    }

    void expectReadError(const QString& name, const QByteArray& bytes, const char* what)
    {
        QVERIFY(writeBytes(qpath(name), bytes));
        const QString full = outcome([&] { readImage(path(name)); });
        QVERIFY2(full != "ok", qPrintable(QString("%1 (%2 bytes): readImage succeeded").arg(what).arg(bytes.size())));
        // the region reader must refuse too, at open or at the read
        const QString region = outcome([&] {
            ImageFileReader reader(path(name));
            reader.readRegion(0, 0, reader.info().width, reader.info().height);
        });
        QVERIFY2(region != "ok", qPrintable(QString("%1: readRegion succeeded").arg(what)));
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void truncatedFiles_data()
    {
        QTest::addColumn<QString>("extension");
        for (const char* ext : {"png", "jpg", "tif", "exr", "webp", "bmp", "tga"})
            QTest::newRow(ext) << QString(ext);
    }

    void truncatedFiles()
    {
        QFETCH(QString, extension);
        const QByteArray valid = validFile(extension);
        QVERIFY(valid.size() > 100);
        QVERIFY(writeBytes(qpath("intact." + extension), valid));
        QCOMPARE(readImage(path("intact." + extension)).width(), 33); // the whole file reads

        const qsizetype n = valid.size();
        for (qsizetype cut : {qsizetype(0), qsizetype(1), qsizetype(8), qsizetype(20), n / 4, n / 2,
                              n * 3 / 4}) {
            const QString name = QString("cut-%1.%2").arg(cut).arg(extension);
            expectReadError(name, valid.left(cut), qPrintable(QString("cut at %1 of %2").arg(cut).arg(n)));
        }

        // Losing only the last bytes: TIFF keeps tag values there (the
        // pixels are whole), other formats lose pixel data or the end
        // marker. Either an error, or exactly the intact pixels: never a
        // silently damaged image.
        const QString tailName = "tail." + extension;
        QVERIFY(writeBytes(qpath(tailName), valid.left(n - 16)));
        try {
            const Image tail = readImage(path(tailName));
            const Image intact = readImage(path("intact." + extension));
            QCOMPARE(tail.channels(), intact.channels());
            QCOMPARE(maxAbsDiff(tail, intact), 0.0f);
        } catch (const Error& error) {
            QCOMPARE(error.code(), ErrorCode::Io);
        }
    }

    void corruptFiles_data() { truncatedFiles_data(); }

    void corruptFiles()
    {
        QFETCH(QString, extension);
        const QByteArray valid = validFile(extension);

        // Garbage with the right extension.
        QByteArray garbage(4096, '\0');
        uint32_t state = 99;
        for (char& c : garbage) {
            state = state * 1664525u + 1013904223u;
            c = char(state >> 24);
        }
        expectReadError("garbage." + extension, garbage, "garbage");

        // The magic number broken.
        QByteArray wrongMagic = valid;
        for (int i = 0; i < 4; ++i)
            wrongMagic[i] = char(~wrongMagic[i]);
        expectReadError("magic." + extension, wrongMagic, "wrong magic");

        // Garbage over the image data: decoders must notice or at least not
        // crash; a damaged but decodable body is allowed to read.
        QByteArray body = valid;
        for (qsizetype i = body.size() / 2; i < body.size() / 2 + 32 && i < body.size(); ++i)
            body[i] = char(body[i] ^ 0x5A);
        QVERIFY(writeBytes(qpath("body." + extension), body));
        const QString result = outcome([&] { readImage(path("body." + extension)); });
        QVERIFY(result == "ok" || result == errorCodeName(ErrorCode::Io)
                || result == errorCodeName(ErrorCode::InvalidArgument));
    }

    // Header bytes flipped where each format keeps its size or checksum.
    void flippedHeaderBytes()
    {
        QByteArray png = validFile("png");
        png[16] = char(png[16] ^ 0xFF); // IHDR width: CRC no longer matches
        expectReadError("flip.png", png, "png width byte");

        QByteArray jpg = validFile("jpg");
        jpg[2] = char(0x00); // first marker after SOI
        jpg[3] = char(0x00);
        expectReadError("flip.jpg", jpg, "jpeg marker");

        QByteArray tif = validFile("tif");
        for (int i = 4; i < 8; ++i) // offset of the first directory
            tif[i] = char(0xFF);
        expectReadError("flip.tif", tif, "tiff IFD offset");

        QByteArray exr = validFile("exr");
        for (int i = 4; i < 8; ++i) // version and flags
            exr[i] = char(0xFF);
        expectReadError("flip.exr", exr, "exr version");

        QByteArray bmp = validFile("bmp");
        bmp[28] = char(7); // bits per pixel 7
        expectReadError("flip.bmp", bmp, "bmp depth");
    }

    void missingFilesAndFolders()
    {
        QCOMPARE(outcome([&] { readImage(path("does-not-exist.png")); }), QString(errorCodeName(ErrorCode::Io)));
        QCOMPARE(outcome([&] { readImage(m_dir.path().toStdString()); }), QString(errorCodeName(ErrorCode::Io)));
        QCOMPARE(outcome([&] { probeImage(path("does-not-exist.png")); }), QString(errorCodeName(ErrorCode::Io)));
        QVERIFY(writeBytes(qpath("empty.png"), {}));
        QCOMPARE(outcome([&] { readImage(path("empty.png")); }), QString(errorCodeName(ErrorCode::Io)));
        try {
            readImage(path("does-not-exist.png"));
        } catch (const Error& error) {
            QVERIFY(QString(error.what()).contains("does-not-exist.png"));
        }
    }

    void nonRegularFilesRefused()
    {
        // A FIFO or a device would make the decoder wait or read forever: refused by kind, at once.
        const std::string fifo = path("pipe.png");
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        const std::pair<std::string, std::string> cases[] = {
            {fifo, "a FIFO"},
            {"/dev/zero", "a character device"},
            {"/dev/urandom", "a character device"},
            {m_dir.path().toStdString(), "a folder"},
        };
        for (const auto& [file, kind] : cases) {
            const QString expected = QString::fromStdString(file + ": not a regular file (" + kind + ")");
            for (const std::function<void()>& open : std::vector<std::function<void()>>{
                     [&] { readImage(file); }, [&] { probeImage(file); }, [&] { ImageFileReader reader(file); }}) {
                try {
                    open();
                    QFAIL(qPrintable("no error for " + expected));
                } catch (const Error& error) {
                    QCOMPARE(error.code(), ErrorCode::Io);
                    QCOMPARE(QString(error.what()), expected);
                }
            }
        }
    }

    void pixelLimitRefusesEarly()
    {
        writeImage(makeGradient(64, 48, 3, 8), path("limit.png"));
        ReadOptions small;
        small.maxPixels = 1000;
        try {
            readImage(path("limit.png"), small);
            QFAIL("the pixel limit was not applied");
        } catch (const Error& error) {
            QCOMPARE(error.code(), ErrorCode::InvalidArgument);
            const QString message = error.what();
            QVERIFY2(message.contains("limit.png") && message.contains("64x48")
                         && message.contains("1000"),
                     qPrintable(message));
        }
        TESSERA_VERIFY_ERROR(ImageFileReader(path("limit.png"), small), ErrorCode::InvalidArgument);
        ReadOptions exact;
        exact.maxPixels = 64 * 48;
        QCOMPARE(readImage(path("limit.png"), exact).width(), 64);
    }

    // Headers claiming 100000 x 100000 (10 gigapixels, 120 GB as float RGB):
    // refused from the header, before anything that size is allocated.
    void gigantHeadersAreRefused()
    {
        QVERIFY(writeBytes(qpath("huge.png"), pngHeaderOnly(100000, 100000)));
        QCOMPARE(probeImage(path("huge.png")).width, 100000); // the header itself is fine
        QCOMPARE(outcome([&] { readImage(path("huge.png")); }), QString(errorCodeName(ErrorCode::InvalidArgument)));
        QCOMPARE(outcome([&] { ImageFileReader reader(path("huge.png")); }),
                 QString(errorCodeName(ErrorCode::InvalidArgument)));

        QVERIFY(writeBytes(qpath("huge.bmp"), makeBmp(100000, 100000, false)));
        const QString bmp = outcome([&] { readImage(path("huge.bmp")); });
        QVERIFY2(bmp == errorCodeName(ErrorCode::InvalidArgument) || bmp == errorCodeName(ErrorCode::Io),
                 qPrintable(bmp));

        // Under the limit but with no pixel data: an I/O error, not a crash.
        QVERIFY(writeBytes(qpath("short.png"), pngHeaderOnly(3000, 2000)));
        QCOMPARE(outcome([&] { readImage(path("short.png")); }), QString(errorCodeName(ErrorCode::Io)));
    }

    // The probe's header-only files: a 31000 x 31000 TIFF of many strips
    // whose data lies past the end fails when opened for streaming (before a
    // run allocates for its size), in one line; a TIFF 2^31 pixels wide is
    // "too large", not an "empty size" of -2147483648.
    void headerOnlyAndOversizedTiffs()
    {
        QVERIFY(writeBytes(qpath("strips.tif"), tiffHeaderOnly(31000, 31000, 64)));
        QElapsedTimer clock;
        clock.start();
        try {
            ImageFileReader reader(path("strips.tif"));
            QFAIL("a TIFF without pixel data opened");
        } catch (const Error& error) {
            const QString message = error.what();
            QCOMPARE(error.code(), ErrorCode::Io);
            QVERIFY2(message.startsWith(qpath("strips.tif") + ": ") && !message.contains('\n'), qPrintable(message));
        }
        QVERIFY(clock.elapsed() < 2000);

        QVERIFY(writeBytes(qpath("wide.tif"), tiffHeaderOnly(uint32_t(1) << 31, 1, 1)));
        for (const std::function<void()>& open : {std::function<void()>([&] { probeImage(path("wide.tif")); }),
                                                  std::function<void()>([&] { readImage(path("wide.tif")); })}) {
            try {
                open();
                QFAIL("a TIFF 2^31 pixels wide opened");
            } catch (const Error& error) {
                QCOMPARE(QString(error.what()),
                         qpath("wide.tif") + ": the image is too large (a side over 2147483647 pixels)");
            }
        }
    }

    void failedWritesLeaveTheOldFile_data()
    {
        QTest::addColumn<QString>("destination");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("bits");
        QTest::addColumn<QString>("compression");
        QTest::addColumn<QString>("code");
        const QString invalid = errorCodeName(ErrorCode::InvalidArgument);
        QTest::newRow("jpeg-16-bit") << "old.jpg" << 8 << 16 << "" << invalid;
        QTest::newRow("webp-32-bit") << "old.webp" << 8 << 32 << "" << invalid;
        QTest::newRow("png-32-bit") << "old.png" << 8 << 32 << "" << invalid;
        QTest::newRow("exr-8-bit") << "old.exr" << 8 << 8 << "" << invalid;
        QTest::newRow("tiff-bad-compression") << "old.tif" << 8 << 8 << "lzma9" << invalid;
        QTest::newRow("unknown-extension") << "old.xyz" << 8 << 8 << "" << invalid;
        // Over the encoders' size limits (libjpeg would exit the process,
        // libwebp fail only at the end): refused up front.
        QTest::newRow("jpeg-too-wide") << "old.jpg" << 70000 << 8 << "" << invalid;
        QTest::newRow("webp-too-wide") << "old.webp" << 20000 << 8 << "" << invalid;
    }

    void failedWritesLeaveTheOldFile()
    {
        QFETCH(QString, destination);
        QFETCH(int, width);
        QFETCH(int, bits);
        QFETCH(QString, compression);
        QFETCH(QString, code);

        QTemporaryDir folder;
        const QString target = folder.filePath(destination);
        const QByteArray previous("the previous file, which must survive byte for byte");
        QVERIFY(writeBytes(target, previous));

        WriteOptions options;
        options.bits = bits;
        options.compression = compression.toStdString();
        const Image image = makeGradient(width, 2, 3, 8);
        QCOMPARE(outcome([&] { writeImage(image, target.toStdString(), options); }), code);
        QCOMPARE(readBytes(target), previous);
        QCOMPARE(QDir(folder.path()).entryList(QDir::Files | QDir::Hidden), QStringList{destination});
    }

    void brokenIccProfile()
    {
        Image image = makeGradient(8, 8, 3, 8);
        image.metadata().iccProfile.assign(300, 7); // no valid header
        // TIFF stores the bytes as they are
        writeImage(image, path("icc-any.tif"));
        QVERIFY(readImage(path("icc-any.tif")).metadata().iccProfile == image.metadata().iccProfile);
        // libpng would refuse it mid-write: refused up front, by name
        try {
            writeImage(image, path("icc-bad.png"));
            QFAIL("a broken ICC profile was written to PNG");
        } catch (const Error& error) {
            QCOMPARE(error.code(), ErrorCode::InvalidArgument);
            QVERIFY(QString(error.what()).contains("ICC"));
        }
        QVERIFY(!QFileInfo::exists(qpath("icc-bad.png")));
        WriteOptions bare;
        bare.keepMetadata = false;
        writeImage(image, path("icc-bad.png"), bare); // fine without it
    }

    void abandonedStreamLeavesTheOldFile()
    {
        QTemporaryDir folder;
        const QString target = folder.filePath("stream.png");
        const QByteArray previous("old contents");
        QVERIFY(writeBytes(target, previous));
        const Image image = makeGradient(20, 10, 3, 8);
        {
            ImageFileWriter writer(target.toStdString(), 20, 10, 3, image.metadata());
            writer.writeRows(0, 4, image.row(0));
            QCOMPARE(hiddenFiles(folder.path()).size(), 1); // the temporary file, beside it
            // rows out of order are refused
            TESSERA_VERIFY_ERROR(writer.writeRows(6, 2, image.row(6)), ErrorCode::InvalidArgument);
            // finishing early is refused
            TESSERA_VERIFY_ERROR(writer.finish(), ErrorCode::InvalidArgument);
            // destroyed without finish(): a cancelled export
        }
        QCOMPARE(readBytes(target), previous);
        QVERIFY(hiddenFiles(folder.path()).isEmpty());
    }

    void failedRenameCleansUp()
    {
        QTemporaryDir folder;
        const QString target = folder.filePath("taken.png");
        const Image image = makeGradient(20, 10, 3, 8);
        ImageFileWriter writer(target.toStdString(), 20, 10, 3, image.metadata());
        writer.writeRows(0, 10, image.data());
        // Something puts a non-empty folder where the file should go.
        QVERIFY(QDir(folder.path()).mkpath("taken.png/inside"));
        QCOMPARE(outcome([&] { writer.finish(); }), QString(errorCodeName(ErrorCode::Io)));
        QVERIFY(hiddenFiles(folder.path()).isEmpty());
        QVERIFY(QFileInfo(target).isDir());
    }

    void unwritableDestinations()
    {
        const Image image = makeGradient(8, 8, 3, 8);
        QCOMPARE(outcome([&] { writeImage(image, path("no-such-folder/out.png")); }), QString(errorCodeName(ErrorCode::Io)));
        QCOMPARE(outcome([&] { writeImage(image, m_dir.path().toStdString() + "/"); }),
                 QString(errorCodeName(ErrorCode::InvalidArgument))); // no extension
        QVERIFY(QDir(m_dir.path()).mkpath("a-folder.png"));
        QCOMPARE(outcome([&] { writeImage(image, path("a-folder.png")); }), QString(errorCodeName(ErrorCode::Io)));
    }

    void readOnlyFolder()
    {
        const Image image = makeGradient(8, 8, 3, 8);
        QTemporaryDir folder;
        const QString target = folder.filePath("kept.png");
        QVERIFY(writeBytes(target, "old"));
        QVERIFY(::chmod(folder.path().toLocal8Bit().constData(), 0555) == 0);
        const bool canStillWrite = ::access(folder.path().toLocal8Bit().constData(), W_OK) == 0;
        QString result;
        if (!canStillWrite)
            result = outcome([&] { writeImage(image, target.toStdString()); });
        ::chmod(folder.path().toLocal8Bit().constData(), 0755);
        if (canStillWrite)
            QSKIP("running as root: a read-only folder is still writable");
        QCOMPARE(result, QString(errorCodeName(ErrorCode::Io)));
        QCOMPARE(readBytes(target), QByteArray("old"));
        QVERIFY(hiddenFiles(folder.path()).isEmpty());
    }

    void overwriteKeepsPermissions()
    {
        const QString target = qpath("mode.png");
        writeImage(makeGradient(8, 8, 3, 8), target.toStdString());
        QVERIFY(::chmod(target.toLocal8Bit().constData(), 0640) == 0);
        writeImage(makeGradient(9, 9, 3, 8), target.toStdString());
        struct stat info {};
        QVERIFY(::stat(target.toLocal8Bit().constData(), &info) == 0);
        QCOMPARE(int(info.st_mode & 0777), 0640);
        QCOMPARE(readImage(target.toStdString()).width(), 9);
    }
};

QTEST_GUILESS_MAIN(TestImageIoErrors)
#include "tst_image_io_errors.moc"

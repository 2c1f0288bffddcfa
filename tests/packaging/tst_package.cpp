// The .deb as a person installs it: cpack builds it from the built tree,
// dpkg-deb unpacks it into a throwaway root (no root rights needed), and the
// installed programs run from there with no LD_LIBRARY_PATH, so they find
// their libraries the way an installed package does.

#include "test_data.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int exitCode = -1;
    QString output; ///< stdout and stderr
};

/// Runs `program` to its end within `timeoutMs`, without LD_LIBRARY_PATH and
/// with the models folder `modelsFolder` when one is given.
Run run(const QString& program, const QStringList& args, int timeoutMs = 120000, const QString& modelsFolder = {})
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("LD_LIBRARY_PATH");
    if (!modelsFolder.isEmpty())
        env.insert("TESSERA_MODELS", modelsFolder);
    process.setProcessEnvironment(env);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, args);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return {-1, QStringLiteral("%1 did not finish within %2 s").arg(program).arg(timeoutMs / 1000)};
    }
    const int code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return {code, QString::fromUtf8(process.readAll())};
}

} // namespace

class TestPackage : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void packageHoldsTheInstalledTree();
    void debianFieldsAreSet();
    void installedProgramsStart();
    void installedCliUpscales();
    void installedCliSaysHowToGetModels();

private:
    QTemporaryDir m_work;
    QString m_deb;
    QString m_root; ///< where the .deb is unpacked; its files lie under usr/
};

void TestPackage::initTestCase()
{
    if (QStandardPaths::findExecutable("dpkg-deb").isEmpty())
        QSKIP("dpkg-deb is missing (not a Debian system)");
    QVERIFY(m_work.isValid());
    const QString out = m_work.filePath("out");
    // -B keeps the package and cpack's staging tree out of the build folder.
    const Run cpack = run(TESSERA_CPACK, {"-G", "DEB", "--config", QStringLiteral(TESSERA_BUILD_DIR "/CPackConfig.cmake"),
                                          "-B", out},
                          240000);
    QVERIFY2(cpack.exitCode == 0, qPrintable(cpack.output));
    const QStringList debs = QDir(out).entryList({"*.deb"}, QDir::Files);
    QCOMPARE(debs.size(), 1);
    m_deb = out + "/" + debs.first();
    QVERIFY2(QFileInfo(m_deb).fileName().startsWith(QStringLiteral("tessera_" TESSERA_VERSION "_")), qPrintable(m_deb));

    m_root = m_work.filePath("root");
    const Run extract = run("dpkg-deb", {"-x", m_deb, m_root});
    QVERIFY2(extract.exitCode == 0, qPrintable(extract.output));
}

void TestPackage::packageHoldsTheInstalledTree()
{
    const QDir usr(m_root + "/usr");
    QStringList expected = {"bin/tessera",
                            "bin/tessera-cli",
                            "share/applications/tessera.desktop",
                            "share/metainfo/io.github.tessera.Tessera.metainfo.xml",
                            "share/icons/hicolor/scalable/apps/tessera.svg",
                            "share/man/man1/tessera-cli.1.gz",
                            "share/doc/tessera/copyright"};
    for (int size : {16, 24, 32, 48, 64, 128, 256, 512})
        expected << QStringLiteral("share/icons/hicolor/%1x%1/apps/tessera.png").arg(size);
    for (const QString& path : expected)
        QVERIFY2(QFileInfo(usr.filePath(path)).isFile(), qPrintable("the package lacks /usr/" + path));

    for (int size : {16, 512}) {
        const QImage icon(usr.filePath(QStringLiteral("share/icons/hicolor/%1x%1/apps/tessera.png").arg(size)));
        QCOMPARE(icon.size(), QSize(size, size));
    }

    QFile manPage(usr.filePath("share/man/man1/tessera-cli.1.gz"));
    QVERIFY(manPage.open(QIODevice::ReadOnly));
    QCOMPARE(manPage.read(2), QByteArray("\x1f\x8b")); // gzip's magic
}

void TestPackage::debianFieldsAreSet()
{
    const Run fields = run("dpkg-deb", {"--field", m_deb, "Package", "Version", "Section", "Depends"});
    QVERIFY2(fields.exitCode == 0, qPrintable(fields.output));
    QVERIFY2(fields.output.contains("Package: tessera"), qPrintable(fields.output));
    QVERIFY2(fields.output.contains("Version: " TESSERA_VERSION), qPrintable(fields.output));
    QVERIFY2(fields.output.contains("Section: graphics"), qPrintable(fields.output));
    // dpkg-shlibdeps found the shared libraries the binaries link.
    for (const char* library : {"libqt6widgets6", "libqt6network6", "libopenimageio", "libtorch"})
        QVERIFY2(fields.output.contains(library), qPrintable(QStringLiteral("Depends lacks %1: %2").arg(library, fields.output)));
}

void TestPackage::installedProgramsStart()
{
    const Run cli = run(m_root + "/usr/bin/tessera-cli", {"--version"});
    QVERIFY2(cli.exitCode == 0, qPrintable(cli.output));
    QCOMPARE(cli.output.trimmed(), QStringLiteral("tessera-cli " TESSERA_VERSION));

    // The app on the offscreen platform (set by CTest) loads Qt and LibTorch too.
    const Run app = run(m_root + "/usr/bin/tessera", {"--version"});
    QVERIFY2(app.exitCode == 0, qPrintable(app.output));
    QVERIFY2(app.output.contains(TESSERA_VERSION), qPrintable(app.output));
}

void TestPackage::installedCliUpscales()
{
    const QString model = tessera::test::modelsDir() + "/2x-AniScale.pth";
    if (!QFileInfo::exists(model))
        QSKIP("2x-AniScale.pth is missing: run scripts/fetch_models.sh");

    QImage input(24, 16, QImage::Format_RGB888);
    for (int y = 0; y < input.height(); ++y)
        for (int x = 0; x < input.width(); ++x)
            input.setPixelColor(x, y, QColor(x * 10, y * 15, (x + y) * 6));
    const QString in = m_work.filePath("in.png");
    const QString out = m_work.filePath("out.png");
    QVERIFY(input.save(in));

    const Run upscale = run(m_root + "/usr/bin/tessera-cli", {"upscale", in, "-o", out, "-m", model});
    QVERIFY2(upscale.exitCode == 0, qPrintable(upscale.output));
    QCOMPARE(QImage(out).size(), QSize(48, 32));
}

void TestPackage::installedCliSaysHowToGetModels()
{
    // A fresh install: no models folder at all.
    const QString missing = m_work.filePath("no-models-here");
    for (const QStringList& args : {QStringList{"models"}, QStringList{"upscale", "in.png", "-o", "out.png", "-m", "2x-AniScale.pth"}}) {
        const Run cli = run(m_root + "/usr/bin/tessera-cli", args, 60000, missing);
        QVERIFY2(cli.output.contains("the models folder " + missing + " has no models") &&
                     cli.output.contains("open the Tessera app, which offers to download them") &&
                     cli.output.contains("scripts/fetch_models.sh"),
                 qPrintable(cli.output));
        QCOMPARE(cli.exitCode, args.first() == "models" ? 0 : 1);
    }
}

QTEST_GUILESS_MAIN(TestPackage)
#include "tst_package.moc"

// The batch dialog driven offscreen (issue 10, "Batch"): a folder of two
// small PNGs and a broken file upscaled on the engine thread, the outputs
// named and sized as asked, the broken file listed as failed with its cause
// while the others go on; the choices remembered and a rerun skipping what
// exists; and Cancel in the middle of a file stopping the batch at once with
// no file, temporary or not, left in the output folder. The model is
// 2x-AniScale from the models folder when it is there, else the tests' tiny
// compact x2 model.

#include "support/model_files.h" // LibTorch before Qt: Qt's `slots` macro breaks its headers

#include "bridge/engine_controller.h"
#include "dialogs/batch_dialog.h"
#include "gui_test_util.h"
#include "io/image_reader.h"

#include <QCheckBox>
#include <QElapsedTimer>
#include <QPushButton>
#include <QTest>

#include <filesystem>
#include <fstream>

using namespace tessera;
namespace fs = std::filesystem;

namespace {

/// Every file below `folder`, hidden ones (temporary files) too, as sorted relative paths.
QStringList filesBelow(const QString& folder)
{
    QStringList files;
    for (const auto& entry : fs::recursive_directory_iterator(folder.toStdString()))
        if (entry.is_regular_file())
            files << QString::fromStdString(entry.path().lexically_relative(folder.toStdString()).generic_string());
    files.sort();
    return files;
}

void writeGradient(const QString& path, int width, int height)
{
    fs::create_directories(fs::path(path.toStdString()).parent_path());
    writeImage(test::gradientImage(width, height), path.toStdString());
}

QSize imageSize(const QString& path)
{
    const ImageFileInfo info = probeImage(path.toStdString());
    return QSize(info.width, info.height);
}

} // namespace

class TestBatchDialog : public QObject {
    Q_OBJECT

    QTemporaryDir m_config;
    QTemporaryDir m_dir;
    EngineController* m_engine = nullptr;
    UpscaleSettings m_settings;
    bool m_realModel = false;

    /// Clicks the dialog's Start and waits for the batch to end.
    bool runToEnd(BatchDialog& dialog)
    {
        QSignalSpy ended(&dialog, &BatchDialog::batchEnded);
        QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("start")), Qt::LeftButton);
        return dialog.isRunning() && test::waitFor(ended, 20000);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        QVERIFY(m_dir.isValid());
        test::isolateSettings(m_config, QStringLiteral("tst_batch_dialog"));
        const QString real = test::modelsDir() + QStringLiteral("/2x-AniScale.pth");
        m_realModel = QFileInfo::exists(real);
        if (m_realModel) {
            m_settings.modelPath = real.toStdString();
        } else {
            m_settings.modelPath = m_dir.filePath(QStringLiteral("2x-compact.safetensors")).toStdString();
            test::writeCompactUpscaler(m_settings.modelPath);
        }
        m_engine = new EngineController(this);
    }

    void upscalesTheFolderAndListsTheBrokenFile()
    {
        const QString in = m_dir.filePath(QStringLiteral("in"));
        const QString out = m_dir.filePath(QStringLiteral("out"));
        writeGradient(in + QStringLiteral("/a.png"), 40, 30);
        writeGradient(in + QStringLiteral("/b.png"), 24, 20);
        std::ofstream((in + QStringLiteral("/broken.png")).toStdString()) << "not a png at all";

        {
            BatchDialog dialog(m_engine, m_settings, QStringLiteral("2x"), 2);
            dialog.show();
            dialog.addFolder(in, false);
            dialog.setOutputFolder(out);
            QCOMPARE(dialog.request().suffix, QStringLiteral("-x2"));
            QVERIFY(runToEnd(dialog));
            QCOMPARE(filesBelow(out), (QStringList{"a-x2.png", "b-x2.png"}));
            QCOMPARE(imageSize(out + QStringLiteral("/a-x2.png")), QSize(80, 60));
            QCOMPARE(imageSize(out + QStringLiteral("/b-x2.png")), QSize(48, 40));
            const QString summary = dialog.summary();
            QVERIFY2(summary.contains(QStringLiteral("2 upscaled, 0 skipped, 1 failed.")), qPrintable(summary));
            QVERIFY2(summary.contains(QStringLiteral("Failed:\n  ") + in + QStringLiteral("/broken.png: ")),
                     qPrintable(summary));
        }

        // The output folder comes back; a rerun that skips what exists writes nothing.
        const auto aTime = fs::last_write_time((out + QStringLiteral("/a-x2.png")).toStdString());
        BatchDialog again(m_engine, m_settings, QStringLiteral("2x"), 2);
        again.show();
        QCOMPARE(again.request().outputFolder, out);
        again.addFiles({in + QStringLiteral("/a.png"), in + QStringLiteral("/b.png")});
        for (QCheckBox* box : again.findChildren<QCheckBox*>())
            if (box->text() == QStringLiteral("Skip images whose output exists"))
                box->setChecked(true);
        QVERIFY(again.request().skipExisting);
        QVERIFY(runToEnd(again));
        QVERIFY2(again.summary().contains(QStringLiteral("0 upscaled, 2 skipped, 0 failed.")),
                 qPrintable(again.summary()));
        QVERIFY(fs::last_write_time((out + QStringLiteral("/a-x2.png")).toStdString()) == aTime);
    }

    void cancelInAFileLeavesNothing()
    {
        const QString in = m_dir.filePath(QStringLiteral("large"));
        const QString out = m_dir.filePath(QStringLiteral("large-out"));
        // Enough tiles that the first file is still running when Cancel comes.
        const int side = m_realModel ? 384 : 512;
        writeGradient(in + QStringLiteral("/one.png"), side, side);
        writeGradient(in + QStringLiteral("/two.png"), side, side);
        UpscaleSettings settings = m_settings;
        settings.tileSize = m_realModel ? 64 : 16;

        BatchDialog dialog(m_engine, settings, QStringLiteral("2x"), 2);
        dialog.show();
        dialog.addFolder(in, false);
        dialog.setOutputFolder(out);
        QSignalSpy progress(m_engine, &EngineController::jobProgress);
        QSignalSpy ended(&dialog, &BatchDialog::batchEnded);
        QVERIFY(dialog.start());
        // Wait for a tile of the first file to be done.
        const auto tilesDone = [&] {
            for (const QList<QVariant>& report : progress) {
                const JobProgress p = report.at(1).value<JobProgress>();
                if (p.file == 1 && p.done > 0)
                    return true;
            }
            return false;
        };
        QElapsedTimer waited;
        waited.start();
        while (!tilesDone() && ended.isEmpty() && waited.elapsed() < 15000)
            progress.wait(100);
        QVERIFY2(tilesDone(), "no tile was reported");
        QVERIFY(ended.isEmpty());

        QElapsedTimer stopping;
        stopping.start();
        QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("cancel")), Qt::LeftButton);
        QVERIFY(test::waitFor(ended, 10000));
        QVERIFY2(stopping.elapsed() < 3000, qPrintable(QString::number(stopping.elapsed())));
        QVERIFY2(dialog.summary().startsWith(QStringLiteral("Cancelled")), qPrintable(dialog.summary()));
        QVERIFY2(dialog.summary().contains(QStringLiteral("0 upscaled, 0 skipped, 0 failed.")),
                 qPrintable(dialog.summary()));
        QCOMPARE(filesBelow(out), QStringList()); // neither an output nor a temporary file
    }

    void cleanupTestCase()
    {
        delete m_engine;
    }
};

QTEST_MAIN(TestBatchDialog)
#include "tst_batch_dialog.moc"

// The export dialog: bit depths per format, the path follows the format, and
// the last choice comes back next time.
#include "dialogs/export_dialog.h"

#include "gui_test_util.h"

#include <QComboBox>
#include <QLineEdit>
#include <QSpinBox>
#include <QTest>

using namespace tessera;

namespace {

/// The dialog's combo box that lists `data` (the format or the bits combo).
QComboBox* comboWith(ExportDialog& dialog, const QVariant& data)
{
    for (QComboBox* combo : dialog.findChildren<QComboBox*>())
        if (combo->findData(data) >= 0)
            return combo;
    return nullptr;
}

} // namespace

class TestExportDialog : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_config;

private slots:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        test::isolateSettings(m_config, QStringLiteral("tst_export_dialog"));
    }

    void bitsPerFormat()
    {
        QCOMPARE(ExportDialog::bitsFor(QStringLiteral("png")), QList<int>({8, 16}));
        QCOMPARE(ExportDialog::bitsFor(QStringLiteral("tif")), QList<int>({8, 16, 32}));
        QCOMPARE(ExportDialog::bitsFor(QStringLiteral("tiff")), QList<int>({8, 16, 32}));
        QCOMPARE(ExportDialog::bitsFor(QStringLiteral("exr")), QList<int>({16, 32}));
        QCOMPARE(ExportDialog::bitsFor(QStringLiteral("jpg")), QList<int>({8}));
        QCOMPARE(ExportDialog::bitsFor(QStringLiteral("webp")), QList<int>({8}));
    }

    void pathFollowsTheFormatAndChoiceIsRemembered()
    {
        const QString folder = m_config.path();
        {
            ExportDialog dialog(folder + QStringLiteral("/photo-upscaled.png"));
            QComboBox* format = comboWith(dialog, QStringLiteral("exr"));
            QVERIFY(format);
            QCOMPARE(dialog.choice().path, folder + QStringLiteral("/photo-upscaled.png"));
            QCOMPARE(dialog.choice().bits, 8);

            format->setCurrentIndex(format->findData(QStringLiteral("tif")));
            QCOMPARE(dialog.choice().path, folder + QStringLiteral("/photo-upscaled.tif"));
            QComboBox* bits = comboWith(dialog, 32);
            QVERIFY(bits);
            bits->setCurrentIndex(bits->findData(32));
            QCOMPARE(dialog.choice().bits, 32);

            // JPEG has 8 bits only: the choice follows.
            format->setCurrentIndex(format->findData(QStringLiteral("jpg")));
            QCOMPARE(dialog.choice().path, folder + QStringLiteral("/photo-upscaled.jpg"));
            QCOMPARE(dialog.choice().bits, 8);

            format->setCurrentIndex(format->findData(QStringLiteral("tif")));
            bits->setCurrentIndex(bits->findData(16));
            dialog.remember();
        }
        ExportDialog again(QStringLiteral("/elsewhere/other.png"));
        QCOMPARE(again.choice().path, folder + QStringLiteral("/other.tif"));
        QCOMPARE(again.choice().bits, 16);
    }

    void pngCompressionIsOfferedForPngOnly()
    {
        ExportDialog dialog(m_config.path() + QStringLiteral("/photo.png"));
        QComboBox* format = comboWith(dialog, QStringLiteral("png"));
        format->setCurrentIndex(format->findData(QStringLiteral("png")));
        QSpinBox* level = nullptr;
        for (QSpinBox* box : dialog.findChildren<QSpinBox*>())
            if (box->maximum() == 9)
                level = box;
        QVERIFY(level);
        QCOMPARE(dialog.choice().pngLevel, 4);
        QVERIFY(level->isEnabled());
        level->setValue(1);
        QCOMPARE(dialog.choice().pngLevel, 1);
        format->setCurrentIndex(format->findData(QStringLiteral("jpg")));
        QVERIFY(!level->isEnabled());
        dialog.remember();
        QCOMPARE(ExportDialog(QStringLiteral("/x/y.png")).choice().pngLevel, 1);
    }
};

QTEST_MAIN(TestExportDialog)
#include "tst_export_dialog.moc"

#include "dialogs/export_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>

namespace tessera {

namespace {
const char* kFormatKey = "export/format";
const char* kBitsKey = "export/bits";
const char* kQualityKey = "export/quality";
const char* kPngLevelKey = "export/pngLevel";
const char* kMetadataKey = "export/keepMetadata";
const char* kFolderKey = "export/folder";
} // namespace

QList<int> ExportDialog::bitsFor(const QString& extension)
{
    if (extension == QLatin1String("png"))
        return {8, 16};
    if (extension == QLatin1String("tif") || extension == QLatin1String("tiff"))
        return {8, 16, 32};
    if (extension == QLatin1String("exr"))
        return {16, 32};
    return {8}; // jpg, webp
}

QString ExportDialog::bitsLabel(int bits, const QString& extension)
{
    if (bits == 32)
        return tr("32-bit float");
    if (bits == 16 && extension == QLatin1String("exr"))
        return tr("16-bit half float");
    return tr("%1-bit").arg(bits);
}

ExportDialog::ExportDialog(const QString& suggestedPath, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Export Result"));
    QSettings settings;

    m_format = new QComboBox;
    m_format->addItem(tr("PNG"), QStringLiteral("png"));
    m_format->addItem(tr("TIFF"), QStringLiteral("tif"));
    m_format->addItem(tr("OpenEXR"), QStringLiteral("exr"));
    m_format->addItem(tr("JPEG"), QStringLiteral("jpg"));
    m_format->addItem(tr("WebP"), QStringLiteral("webp"));
    m_format->setCurrentIndex(std::max(0, m_format->findData(settings.value(kFormatKey, "png"))));

    const QFileInfo suggested(suggestedPath);
    const QString folder = settings.value(kFolderKey, suggested.absolutePath()).toString();
    m_path = new QLineEdit(QDir(folder).filePath(suggested.completeBaseName() + "." + extension()));
    auto* browseButton = new QPushButton(tr("Browse…"));
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browseButton);

    m_bits = new QComboBox;
    m_quality = new QSpinBox;
    m_quality->setRange(1, 100);
    m_quality->setValue(settings.value(kQualityKey, 95).toInt());
    m_pngLevel = new QSpinBox;
    m_pngLevel->setRange(0, 9);
    m_pngLevel->setValue(settings.value(kPngLevelKey, ExportChoice{}.pngLevel).toInt());
    m_pngLevel->setToolTip(tr("Lossless at every level: 0 stores the pixels as they are, 1 writes "
                              "fastest, 9 writes the smallest file"));
    m_keepMetadata = new QCheckBox(tr("Keep metadata and colour profile"));
    m_keepMetadata->setChecked(settings.value(kMetadataKey, true).toBool());

    auto* form = new QFormLayout;
    form->addRow(tr("File:"), pathRow);
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("Bit depth:"), m_bits);
    form->addRow(tr("Quality:"), m_quality);
    form->addRow(tr("PNG compression:"), m_pngLevel);
    form->addRow(m_keepMetadata);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    updateForFormat();
    const int savedBits = m_bits->findData(settings.value(kBitsKey, 8));
    if (savedBits >= 0)
        m_bits->setCurrentIndex(savedBits);

    connect(browseButton, &QPushButton::clicked, this, &ExportDialog::browse);
    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        QFileInfo info(m_path->text());
        m_path->setText(info.dir().filePath(info.completeBaseName() + "." + extension()));
        updateForFormat();
    });
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        remember();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString ExportDialog::extension() const
{
    return m_format->currentData().toString();
}

void ExportDialog::updateForFormat()
{
    const int previous = m_bits->currentData().toInt();
    m_bits->clear();
    for (int bits : bitsFor(extension()))
        m_bits->addItem(bitsLabel(bits, extension()), bits);
    const int index = m_bits->findData(previous);
    m_bits->setCurrentIndex(index >= 0 ? index : 0);
    const bool lossy = extension() == QLatin1String("jpg") || extension() == QLatin1String("webp");
    m_quality->setEnabled(lossy);
    m_pngLevel->setEnabled(extension() == QLatin1String("png"));
}

void ExportDialog::browse()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Result"), m_path->text());
    if (path.isEmpty())
        return;
    m_path->setText(path);
    // The formats are listed by one extension each: map the long spellings.
    QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("tiff"))
        suffix = QStringLiteral("tif");
    else if (suffix == QLatin1String("jpeg"))
        suffix = QStringLiteral("jpg");
    const int format = m_format->findData(suffix);
    if (format >= 0)
        m_format->setCurrentIndex(format);
}

ExportChoice ExportDialog::choice() const
{
    ExportChoice c;
    c.path = m_path->text();
    c.bits = m_bits->currentData().toInt();
    c.quality = m_quality->value();
    c.pngLevel = m_pngLevel->value();
    c.keepMetadata = m_keepMetadata->isChecked();
    return c;
}

void ExportDialog::remember() const
{
    QSettings settings;
    settings.setValue(kFormatKey, extension());
    settings.setValue(kBitsKey, m_bits->currentData().toInt());
    settings.setValue(kQualityKey, m_quality->value());
    settings.setValue(kPngLevelKey, m_pngLevel->value());
    settings.setValue(kMetadataKey, m_keepMetadata->isChecked());
    settings.setValue(kFolderKey, QFileInfo(m_path->text()).absolutePath());
}

} // namespace tessera

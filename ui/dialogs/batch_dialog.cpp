#include "dialogs/batch_dialog.h"

#include "bridge/engine_controller.h"
#include "dialogs/export_dialog.h"
#include "time_text.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace tessera {

namespace {
const char* kOutputKey = "batch/outputFolder";
const char* kSuffixKey = "batch/suffix"; // only when it is not the default -x<scale>
const char* kFormatKey = "batch/format";
const char* kBitsKey = "batch/bits";
const char* kSubfoldersKey = "batch/subfolders";
const char* kSkipExistingKey = "batch/skipExisting";

constexpr int kPathRole = Qt::UserRole;
constexpr int kRecursiveRole = Qt::UserRole + 1;
} // namespace

BatchDialog::BatchDialog(EngineController* engine, UpscaleSettings settings, const QString& modelName, int scale,
                         QWidget* parent)
    : QDialog(parent), m_engine(engine), m_settings(std::move(settings)), m_scale(scale),
      m_haveModel(!m_settings.modelPath.empty())
{
    setWindowTitle(tr("Batch Upscale"));
    QSettings stored;

    m_list = new QListWidget;
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    auto* addFilesButton = new QPushButton(tr("Add Files…"));
    auto* addFolderButton = new QPushButton(tr("Add Folder…"));
    m_subfolders = new QCheckBox(tr("Subfolders too"));
    m_subfolders->setChecked(stored.value(kSubfoldersKey, false).toBool());
    auto* removeButton = new QPushButton(tr("Remove"));
    auto* listButtons = new QVBoxLayout;
    listButtons->addWidget(addFilesButton);
    listButtons->addWidget(addFolderButton);
    listButtons->addWidget(m_subfolders);
    listButtons->addWidget(removeButton);
    listButtons->addStretch(1);
    auto* listRow = new QHBoxLayout;
    listRow->addWidget(m_list, 1);
    listRow->addLayout(listButtons);

    m_output = new QLineEdit(stored.value(kOutputKey).toString());
    auto* browseButton = new QPushButton(tr("Browse…"));
    auto* outputRow = new QHBoxLayout;
    outputRow->addWidget(m_output, 1);
    outputRow->addWidget(browseButton);
    m_suffix = new QLineEdit(stored.value(kSuffixKey, defaultSuffix()).toString());
    m_suffix->setToolTip(tr("Appended to each file name: photo.png becomes photo%1.png").arg(defaultSuffix()));
    m_format = new QComboBox;
    m_format->addItem(tr("Keep the input's format"), QString());
    m_format->addItem(tr("PNG"), QStringLiteral("png"));
    m_format->addItem(tr("TIFF"), QStringLiteral("tif"));
    m_format->addItem(tr("OpenEXR"), QStringLiteral("exr"));
    m_format->addItem(tr("JPEG"), QStringLiteral("jpg"));
    m_format->addItem(tr("WebP"), QStringLiteral("webp"));
    m_format->setCurrentIndex(std::max(0, m_format->findData(stored.value(kFormatKey, QString()).toString())));
    m_bits = new QComboBox;
    updateBits();
    m_bits->setCurrentIndex(std::max(0, m_bits->findData(stored.value(kBitsKey, 0).toInt())));
    m_skipExisting = new QCheckBox(tr("Skip images whose output exists"));
    m_skipExisting->setChecked(stored.value(kSkipExistingKey, false).toBool());

    auto* form = new QFormLayout;
    form->addRow(tr("Output folder:"), outputRow);
    form->addRow(tr("Suffix:"), m_suffix);
    form->addRow(tr("Format:"), m_format);
    form->addRow(tr("Bit depth:"), m_bits);
    form->addRow(m_skipExisting);
    const QString tiles = m_settings.tileSize > 0 ? tr("tiles of %1 px").arg(m_settings.tileSize)
                                                  : tr("automatic tile size");
    auto* uses = new QLabel(m_haveModel ? tr("Uses the Upscale panel's model and tile settings: %1, %2.")
                                              .arg(modelName, tiles)
                                        : tr("No upscale model is chosen in the Upscale panel."));
    uses->setWordWrap(true);

    m_choices = new QWidget;
    auto* choicesLayout = new QVBoxLayout(m_choices);
    choicesLayout->setContentsMargins(0, 0, 0, 0);
    choicesLayout->addLayout(listRow, 1);
    choicesLayout->addLayout(form);
    choicesLayout->addWidget(uses);

    m_fileLabel = new QLabel;
    m_filesBar = new QProgressBar;
    m_filesBar->setFormat(tr("%v of %m files"));
    m_tilesBar = new QProgressBar;
    m_tilesBar->setFormat(tr("%v of %m tiles"));
    m_timeLabel = new QLabel;
    m_summary = new QPlainTextEdit;
    m_summary->setReadOnly(true);
    m_summary->setMaximumBlockCount(10000);

    m_start = new QPushButton(tr("Start"));
    m_start->setObjectName(QStringLiteral("start"));
    m_start->setEnabled(m_haveModel);
    m_start->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName(QStringLiteral("cancel"));
    m_cancel->setEnabled(false);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    m_close = buttons->button(QDialogButtonBox::Close);
    buttons->addButton(m_start, QDialogButtonBox::ActionRole);
    buttons->addButton(m_cancel, QDialogButtonBox::ActionRole);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_choices, 1);
    layout->addWidget(m_fileLabel);
    layout->addWidget(m_filesBar);
    layout->addWidget(m_tilesBar);
    layout->addWidget(m_timeLabel);
    layout->addWidget(m_summary);
    layout->addWidget(buttons);
    resize(640, 560);

    connect(addFilesButton, &QPushButton::clicked, this, &BatchDialog::addFilesDialog);
    connect(addFolderButton, &QPushButton::clicked, this, &BatchDialog::addFolderDialog);
    connect(removeButton, &QPushButton::clicked, this, &BatchDialog::removeSelected);
    connect(browseButton, &QPushButton::clicked, this, &BatchDialog::browseOutput);
    connect(m_format, &QComboBox::currentIndexChanged, this, &BatchDialog::updateBits);
    connect(m_start, &QPushButton::clicked, this, &BatchDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &BatchDialog::cancel);
    connect(buttons, &QDialogButtonBox::rejected, this, &BatchDialog::reject);

    connect(m_engine, &EngineController::jobProgress, this, [this](quint64 id, JobProgress progress) {
        if (id == m_jobId)
            showProgress(progress);
    });
    connect(m_engine, &EngineController::jobFinished, this, [this](quint64 id, EngineJobPtr) {
        if (id == m_jobId)
            ended(tr("Done."), QString());
    });
    connect(m_engine, &EngineController::jobFailed, this, [this](quint64 id, QString message) {
        if (id == m_jobId)
            ended(tr("The batch could not run."), message);
    });
    connect(m_engine, &EngineController::jobCancelled, this, [this](quint64 id) {
        if (id == m_jobId)
            ended(tr("Cancelled: the files after the running one were not started."), QString());
    });
}

QString BatchDialog::defaultSuffix() const
{
    return QStringLiteral("-x%1").arg(m_scale);
}

void BatchDialog::addFiles(const QStringList& paths)
{
    for (const QString& path : paths) {
        auto* item = new QListWidgetItem(QDir::toNativeSeparators(path), m_list);
        item->setData(kPathRole, path);
        item->setData(kRecursiveRole, false);
    }
}

void BatchDialog::addFolder(const QString& path, bool recursive)
{
    const QString shown = QDir::toNativeSeparators(path) + QDir::separator();
    auto* item = new QListWidgetItem(recursive ? tr("%1 (with subfolders)").arg(shown) : shown, m_list);
    item->setData(kPathRole, path);
    item->setData(kRecursiveRole, recursive);
}

void BatchDialog::setOutputFolder(const QString& folder)
{
    m_output->setText(folder);
}

void BatchDialog::addFilesDialog()
{
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Add Images"), QString(),
        tr("Images (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga);;All files (*)"));
    addFiles(paths);
}

void BatchDialog::addFolderDialog()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Add Folder"));
    if (!folder.isEmpty())
        addFolder(folder, m_subfolders->isChecked());
}

void BatchDialog::removeSelected()
{
    qDeleteAll(m_list->selectedItems());
}

void BatchDialog::browseOutput()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Output Folder"), m_output->text());
    if (!folder.isEmpty())
        m_output->setText(folder);
}

void BatchDialog::updateBits()
{
    const int previous = m_bits->currentData().toInt();
    const QString format = m_format->currentData().toString();
    m_bits->clear();
    m_bits->addItem(tr("As the source"), 0);
    // Each input keeps its own format: only the source's depth fits them all.
    if (!format.isEmpty())
        for (int bits : ExportDialog::bitsFor(format))
            m_bits->addItem(ExportDialog::bitsLabel(bits, format), bits);
    m_bits->setCurrentIndex(std::max(0, m_bits->findData(previous)));
}

BatchRequest BatchDialog::request() const
{
    BatchRequest request;
    for (int i = 0; i < m_list->count(); ++i) {
        const QListWidgetItem* item = m_list->item(i);
        request.entries.append({item->data(kPathRole).toString(), item->data(kRecursiveRole).toBool()});
    }
    request.outputFolder = m_output->text().trimmed();
    request.suffix = m_suffix->text();
    request.format = m_format->currentData().toString();
    request.bits = m_bits->currentData().toInt();
    request.skipExisting = m_skipExisting->isChecked();
    return request;
}

bool BatchDialog::start()
{
    if (isRunning() || !m_haveModel)
        return false;
    const BatchRequest wanted = request();
    if (wanted.entries.isEmpty() || wanted.outputFolder.isEmpty()) {
        m_summary->setPlainText(wanted.entries.isEmpty() ? tr("Add images or a folder first.")
                                                         : tr("Choose an output folder first."));
        return false;
    }
    remember();
    m_summary->clear();
    m_fileLabel->setText(tr("Starting…"));
    m_filesBar->setRange(0, 0); // busy until the files are listed
    m_tilesBar->setRange(0, 1);
    m_tilesBar->setValue(0);
    m_timeLabel->clear();
    setRunning(true);
    m_clock.start();
    m_job = std::make_shared<BatchUpscaleJob>(m_settings, wanted);
    m_jobId = m_engine->submit(m_job);
    return true;
}

void BatchDialog::cancel()
{
    if (isRunning())
        m_engine->cancel(m_jobId);
}

void BatchDialog::reject()
{
    if (isRunning())
        cancel();
    else
        QDialog::reject();
}

void BatchDialog::showProgress(const JobProgress& progress)
{
    m_fileLabel->setText(tr("File %1 of %2: %3").arg(progress.file).arg(progress.files).arg(progress.stage));
    m_filesBar->setRange(0, progress.files);
    m_filesBar->setValue(progress.file - 1); // the files before this one are done
    m_tilesBar->setRange(0, std::max(progress.total, 1));
    m_tilesBar->setValue(progress.done);
    // The whole batch's time left, from the share done so far (the files
    // before this one, and this one's tiles).
    const double fileShare = progress.total > 0 ? double(progress.done) / progress.total : 0.0;
    const double share = (progress.file - 1 + fileShare) / std::max(progress.files, 1);
    const double elapsed = m_clock.elapsed() / 1000.0;
    const double batchLeft = share > 0 ? elapsed * (1.0 - share) / share : -1.0;
    m_timeLabel->setText(tr("This file: %1 · all files: %2")
                             .arg(formatTimeLeft(progress.etaSeconds), formatTimeLeft(batchLeft)));
}

void BatchDialog::ended(const QString& headline, const QString& error)
{
    m_jobId = 0;
    setRunning(false);
    const BatchOutcome& outcome = m_job->outcome();
    const int tried = outcome.upscaled + outcome.skipped + int(outcome.failures.size());
    m_filesBar->setRange(0, std::max(outcome.files, 1));
    m_filesBar->setValue(tried);
    m_fileLabel->clear();
    m_timeLabel->clear();
    QStringList lines{headline};
    if (!error.isEmpty())
        lines << error;
    else
        lines << tr("%1 upscaled, %2 skipped, %3 failed.")
                     .arg(outcome.upscaled)
                     .arg(outcome.skipped)
                     .arg(outcome.failures.size());
    if (!outcome.failures.isEmpty()) {
        lines << tr("Failed:");
        for (const QString& failure : outcome.failures)
            lines << QStringLiteral("  ") + failure;
    }
    if (!outcome.warnings.isEmpty()) {
        lines << tr("Warnings:");
        for (const QString& warning : outcome.warnings)
            lines << QStringLiteral("  ") + warning;
    }
    m_summary->setPlainText(lines.join(QLatin1Char('\n')));
    emit batchEnded();
}

QString BatchDialog::summary() const
{
    return m_summary->toPlainText();
}

void BatchDialog::setRunning(bool running)
{
    m_choices->setEnabled(!running);
    m_start->setEnabled(!running && m_haveModel);
    m_cancel->setEnabled(running);
    m_close->setEnabled(!running);
}

void BatchDialog::remember() const
{
    QSettings stored;
    stored.setValue(kOutputKey, m_output->text().trimmed());
    if (m_suffix->text() == defaultSuffix())
        stored.remove(kSuffixKey); // the next model's scale makes the next default
    else
        stored.setValue(kSuffixKey, m_suffix->text());
    stored.setValue(kFormatKey, m_format->currentData().toString());
    stored.setValue(kBitsKey, m_bits->currentData().toInt());
    stored.setValue(kSubfoldersKey, m_subfolders->isChecked());
    stored.setValue(kSkipExistingKey, m_skipExisting->isChecked());
}

} // namespace tessera

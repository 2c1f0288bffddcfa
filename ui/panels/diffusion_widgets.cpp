#include "panels/diffusion_widgets.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpressionValidator>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tessera {

void fillModelCombo(QComboBox* combo, const std::vector<ModelListing>& listing, ModelKind kind, const QString& noneText)
{
    const QString previous = chosenModelPath(combo);
    {
        const QSignalBlocker block(combo);
        combo->clear();
        if (!noneText.isEmpty())
            combo->addItem(noneText, QString());
        for (const ModelListing& model : listing) {
            if (model.kind != kind || !model.usable())
                continue;
            const QString label = model.architecture.isEmpty()
                                      ? model.name
                                      : QStringLiteral("%1  (%2)").arg(model.name, model.architecture);
            combo->addItem(label, model.path);
            combo->setItemData(combo->count() - 1, model.path, Qt::ToolTipRole);
        }
        combo->setCurrentIndex(combo->count() > 0 ? 0 : -1);
    }
    if (!previous.isEmpty())
        selectModelPath(combo, previous);
    emit combo->currentIndexChanged(combo->currentIndex());
}

void selectModelPath(QComboBox* combo, const QString& path)
{
    // An empty path finds the "none" item, where there is one.
    int index = combo->findData(path);
    if (index < 0 && !path.isEmpty()) {
        combo->addItem(QFileInfo(path).fileName(), path);
        index = combo->count() - 1;
    }
    if (index >= 0)
        combo->setCurrentIndex(index);
}

QString chosenModelPath(const QComboBox* combo)
{
    return combo->currentData().toString();
}

void chooseItemData(QComboBox* combo, const QString& value)
{
    const int index = combo->findData(value);
    if (index >= 0)
        combo->setCurrentIndex(index);
}

void fillDeviceCombo(QComboBox* combo, const QStringList& devices)
{
    const QString previous = combo->currentData().toString();
    const QSignalBlocker block(combo);
    combo->clear();
    for (const QString& device : devices)
        combo->addItem(device == QLatin1String("cpu") ? QObject::tr("CPU") : device.toUpper(), device);
    const int index = combo->findData(previous);
    combo->setCurrentIndex(index >= 0 ? index : 0);
}

QSpinBox* makeSpin(int minimum, int maximum, int step, const QString& suffix)
{
    auto* spin = new QSpinBox;
    spin->setRange(minimum, maximum);
    spin->setSingleStep(step);
    spin->setSuffix(suffix);
    spin->setKeyboardTracking(false);
    return spin;
}

QDoubleSpinBox* makeDoubleSpin(double minimum, double maximum, double step, int decimals)
{
    auto* spin = new QDoubleSpinBox;
    spin->setRange(minimum, maximum);
    spin->setSingleStep(step);
    spin->setDecimals(decimals);
    spin->setKeyboardTracking(false);
    return spin;
}

QComboBox* makeNameCombo(const QStringList& names)
{
    auto* combo = new QComboBox;
    for (const QString& name : names)
        combo->addItem(name, name);
    return combo;
}

QComboBox* makePrecisionCombo()
{
    auto* combo = new QComboBox;
    combo->addItem(QObject::tr("fp16 (fast, GPU)"), QStringLiteral("fp16"));
    combo->addItem(QObject::tr("bf16 (fast, GPU)"), QStringLiteral("bf16"));
    combo->addItem(QObject::tr("fp32 (exact)"), QStringLiteral("fp32"));
    return combo;
}

QPlainTextEdit* makePromptEdit(const QString& placeholder)
{
    auto* edit = new QPlainTextEdit;
    edit->setPlaceholderText(placeholder);
    edit->setTabChangesFocus(true);
    edit->setFixedHeight(edit->fontMetrics().lineSpacing() * 4);
    return edit;
}

SeedEdit::SeedEdit(QWidget* parent) : QWidget(parent)
{
    m_edit = new QLineEdit;
    // Up to 20 digits covers 2^64 - 1; seed() clamps what still overflows.
    m_edit->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{1,20}")), m_edit));
    m_dice = new QPushButton(QStringLiteral("🎲"));
    m_dice->setToolTip(tr("Draw a new random seed"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_dice);
    setSeed(0);
    connect(m_edit, &QLineEdit::textChanged, this, &SeedEdit::seedChanged);
    connect(m_dice, &QPushButton::clicked, this, [this] { setSeed(QRandomGenerator::global()->generate64()); });
}

uint64_t SeedEdit::seed() const
{
    bool ok = false;
    const qulonglong value = m_edit->text().toULongLong(&ok);
    return ok ? uint64_t(value) : (m_edit->text().isEmpty() ? 0 : UINT64_MAX);
}

void SeedEdit::setSeed(uint64_t seed)
{
    m_edit->setText(QString::number(qulonglong(seed)));
}

RunControls::RunControls(const QString& runText, QWidget* parent) : QWidget(parent)
{
    m_progress = new QProgressBar;
    m_progress->setVisible(false);
    m_stage = new QLabel;
    m_stage->setWordWrap(true);
    m_run = new QPushButton(runText);
    m_run->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setEnabled(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_progress);
    layout->addWidget(m_stage);
    layout->addLayout(buttons);
    connect(m_run, &QPushButton::clicked, this, &RunControls::runRequested);
    connect(m_cancel, &QPushButton::clicked, this, &RunControls::cancelRequested);
}

void RunControls::setRunning(bool running)
{
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
    m_progress->setVisible(running);
    if (running) {
        m_progress->setRange(0, 0); // busy until the first report (the checkpoint loads)
        m_stage->setText(tr("Loading the checkpoint…"));
    } else {
        m_stage->clear();
    }
}

void RunControls::setProgress(int done, int total, const QString& stage, const QString& eta)
{
    m_progress->setRange(0, std::max(total, 1));
    m_progress->setValue(done);
    m_stage->setText(eta.isEmpty() ? stage : QStringLiteral("%1 — %2").arg(stage, eta));
}

QString RunControls::stageText() const
{
    return m_stage->text();
}

} // namespace tessera

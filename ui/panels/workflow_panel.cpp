#include "panels/workflow_panel.h"

#include "panels/diffusion_widgets.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tessera {

namespace {

QComboBox* makeModelCombo()
{
    auto* combo = new QComboBox;
    combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    combo->setMinimumContentsLength(18);
    return combo;
}

QSpinBox* makeSizeSpin()
{
    auto* spin = new QSpinBox;
    spin->setRange(0, 4096);
    spin->setSingleStep(64);
    spin->setSuffix(QObject::tr(" px"));
    spin->setSpecialValueText(QObject::tr("The model's"));
    return spin;
}

} // namespace

WorkflowPanel::WorkflowPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_settingsBox = new QWidget;
    auto* settingsLayout = new QVBoxLayout(m_settingsBox);
    settingsLayout->setContentsMargins(0, 0, 0, 0);

    auto* generateBox = new QGroupBox(tr("Generate"));
    auto* generateForm = new QFormLayout(generateBox);
    m_baseCombo = makeModelCombo();
    m_refinerCombo = makeModelCombo();
    m_vaeCombo = makeModelCombo();
    m_deviceCombo = new QComboBox;
    m_deviceCombo->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_precisionCombo = makePrecisionCombo();
    m_promptEdit = makePromptEdit(tr("What to generate (ComfyUI's (word:1.2) weights work)"));
    m_negativeEdit = makePromptEdit(tr("Negative prompt"));
    m_seedEdit = new SeedEdit;
    m_widthSpin = makeSizeSpin();
    m_heightSpin = makeSizeSpin();
    m_startCheck = new QCheckBox(tr("Start from the opened image"));
    m_startCheck->setToolTip(tr("Skip the generation: the opened image is upscaled and refined."));
    generateForm->addRow(tr("Base:"), m_baseCombo);
    generateForm->addRow(tr("Refiner:"), m_refinerCombo);
    generateForm->addRow(tr("VAE:"), m_vaeCombo);
    generateForm->addRow(tr("Device:"), m_deviceCombo);
    generateForm->addRow(tr("Precision:"), m_precisionCombo);
    generateForm->addRow(m_promptEdit);
    generateForm->addRow(m_negativeEdit);
    generateForm->addRow(tr("Seed:"), m_seedEdit);
    generateForm->addRow(tr("Width:"), m_widthSpin);
    generateForm->addRow(tr("Height:"), m_heightSpin);
    generateForm->addRow(m_startCheck);
    settingsLayout->addWidget(generateBox);

    auto* upscaleBox = new QGroupBox(tr("Upscale"));
    auto* upscaleForm = new QFormLayout(upscaleBox);
    m_upscaleCombo = makeModelCombo();
    m_upscaleBySpin = new QDoubleSpinBox;
    m_upscaleBySpin->setRange(0.1, 10.0);
    m_upscaleBySpin->setSingleStep(0.25);
    m_upscaleBySpin->setPrefix(QStringLiteral("×"));
    m_upscaleBySpin->setToolTip(tr("The result's size relative to the generated image."));
    upscaleForm->addRow(tr("Model:"), m_upscaleCombo);
    upscaleForm->addRow(tr("Upscale by:"), m_upscaleBySpin);
    settingsLayout->addWidget(upscaleBox);

    auto* refineBox = new QGroupBox(tr("Refine in tiles"));
    auto* refineForm = new QFormLayout(refineBox);
    m_tilerCombo = new QComboBox;
    m_tilerCombo->addItem(tr("Base"), QString::fromLatin1(tilerModelName(TilerModel::Base)));
    m_tilerCombo->addItem(tr("Refiner"), QString::fromLatin1(tilerModelName(TilerModel::Refiner)));
    m_tilerDenoiseSpin = new QDoubleSpinBox;
    m_tilerDenoiseSpin->setRange(0.0, 1.0);
    m_tilerDenoiseSpin->setSingleStep(0.05);
    m_tileSpin = new QSpinBox;
    m_tileSpin->setRange(64, 8192);
    m_tileSpin->setSingleStep(64);
    m_tileSpin->setSuffix(tr(" px"));
    refineForm->addRow(tr("Tiler model:"), m_tilerCombo);
    refineForm->addRow(tr("Tiler denoise:"), m_tilerDenoiseSpin);
    refineForm->addRow(tr("Tile size:"), m_tileSpin);
    settingsLayout->addWidget(refineBox);
    layout->addWidget(m_settingsBox);

    m_run = new RunControls(tr("&Run Workflow"));
    layout->addWidget(m_run);
    layout->addStretch(1);

    setModels({});
    setSettings(WorkflowSettings{});
    connect(m_run, &RunControls::runRequested, this, &WorkflowPanel::runRequested);
    connect(m_run, &RunControls::cancelRequested, this, &WorkflowPanel::cancelRequested);
}

void WorkflowPanel::setModels(const std::vector<ModelListing>& listing)
{
    fillModelCombo(m_baseCombo, listing, ModelKind::Diffusion);
    fillModelCombo(m_refinerCombo, listing, ModelKind::Diffusion, tr("None"));
    fillModelCombo(m_vaeCombo, listing, ModelKind::Vae, tr("The base's own"));
    fillModelCombo(m_upscaleCombo, listing, ModelKind::Upscale, tr("None (resize only)"));
}

void WorkflowPanel::setDevices(const QStringList& devices)
{
    fillDeviceCombo(m_deviceCombo, devices);
}

WorkflowSettings WorkflowPanel::settings() const
{
    WorkflowSettings s = m_base;
    GenerationSettings& g = s.generation;
    g.checkpoint = chosenModelPath(m_baseCombo).toStdString();
    g.refinerCheckpoint = chosenModelPath(m_refinerCombo).toStdString();
    g.vaePath = chosenModelPath(m_vaeCombo).toStdString();
    g.device = parseDevice(m_deviceCombo->currentData().toString().toStdString());
    g.precision = parsePrecision(m_precisionCombo->currentData().toString().toStdString());
    g.prompt = m_promptEdit->toPlainText().toStdString();
    g.negativePrompt = m_negativeEdit->toPlainText().toStdString();
    g.seed = m_seedEdit->seed();
    g.width = m_widthSpin->value();
    g.height = m_heightSpin->value();
    s.upscaleModel = chosenModelPath(m_upscaleCombo).toStdString();
    s.upscaleBy = m_upscaleBySpin->value();
    s.tilerModel = parseTilerModel(m_tilerCombo->currentData().toString().toStdString());
    s.refine.denoise = m_tilerDenoiseSpin->value();
    s.refine.tileSize = m_tileSpin->value();
    return s;
}

void WorkflowPanel::setSettings(const WorkflowSettings& s)
{
    m_base = s;
    const GenerationSettings& g = s.generation;
    selectModelPath(m_baseCombo, QString::fromStdString(g.checkpoint));
    selectModelPath(m_refinerCombo, QString::fromStdString(g.refinerCheckpoint));
    selectModelPath(m_vaeCombo, QString::fromStdString(g.vaePath));
    selectModelPath(m_upscaleCombo, QString::fromStdString(s.upscaleModel));
    chooseItemData(m_deviceCombo, QString::fromStdString(deviceName(g.device)));
    chooseItemData(m_precisionCombo, QString::fromLatin1(precisionName(g.precision)));
    m_promptEdit->setPlainText(QString::fromStdString(g.prompt));
    m_negativeEdit->setPlainText(QString::fromStdString(g.negativePrompt));
    m_seedEdit->setSeed(g.seed);
    m_widthSpin->setValue(g.width);
    m_heightSpin->setValue(g.height);
    m_upscaleBySpin->setValue(s.upscaleBy);
    chooseItemData(m_tilerCombo, QString::fromLatin1(tilerModelName(s.tilerModel)));
    m_tilerDenoiseSpin->setValue(s.refine.denoise);
    m_tileSpin->setValue(s.refine.tileSize);
}

bool WorkflowPanel::startFromImage() const
{
    return m_startCheck->isChecked();
}

void WorkflowPanel::setStartFromImage(bool on)
{
    m_startCheck->setChecked(on);
}

void WorkflowPanel::setRunning(bool running)
{
    m_settingsBox->setEnabled(!running);
    m_run->setRunning(running);
}

void WorkflowPanel::setProgress(int done, int total, const QString& stage, const QString& eta)
{
    m_run->setProgress(done, total, stage, eta);
}

} // namespace tessera

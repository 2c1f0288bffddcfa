#include "panels/refine_panel.h"

#include "panels/diffusion_widgets.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tessera {

RefinePanel::RefinePanel(const QStringList& samplers, const QStringList& schedulers, QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    m_settingsBox = new QWidget;
    auto* settingsLayout = new QVBoxLayout(m_settingsBox);
    settingsLayout->setContentsMargins(0, 0, 0, 0);

    auto* modelBox = new QGroupBox(tr("Checkpoint"));
    auto* modelForm = new QFormLayout(modelBox);
    m_checkpointCombo = new QComboBox;
    m_checkpointCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_checkpointCombo->setMinimumContentsLength(18);
    m_refinerCombo = new QComboBox;
    m_refinerCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_refinerCombo->setMinimumContentsLength(18);
    m_refinerCombo->setToolTip(tr("An SDXL refiner that takes the last steps of every tile (from 80% of the steps)"));
    m_vaeCombo = new QComboBox;
    m_vaeCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_vaeCombo->setMinimumContentsLength(18);
    m_deviceCombo = new QComboBox;
    m_deviceCombo->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_precisionCombo = makePrecisionCombo();
    modelForm->addRow(tr("Model:"), m_checkpointCombo);
    modelForm->addRow(tr("Refiner:"), m_refinerCombo);
    modelForm->addRow(tr("VAE:"), m_vaeCombo);
    modelForm->addRow(tr("Device:"), m_deviceCombo);
    modelForm->addRow(tr("Precision:"), m_precisionCombo);
    settingsLayout->addWidget(modelBox);

    auto* promptBox = new QGroupBox(tr("Prompt"));
    auto* promptLayout = new QVBoxLayout(promptBox);
    m_promptEdit = makePromptEdit(tr("What the image shows (ComfyUI's (word:1.2) weights work)"));
    m_negativeEdit = makePromptEdit(tr("Negative prompt"));
    promptLayout->addWidget(m_promptEdit);
    promptLayout->addWidget(m_negativeEdit);
    settingsLayout->addWidget(promptBox);

    auto* passBox = new QGroupBox(tr("Sampling"));
    auto* passForm = new QFormLayout(passBox);
    m_samplerCombo = makeNameCombo(samplers);
    m_schedulerCombo = makeNameCombo(schedulers);
    m_stepsSpin = makeSpin(1, 200, 1);
    m_cfgSpin = makeDoubleSpin(0.0, 30.0, 0.5, 1);
    m_denoiseSpin = makeDoubleSpin(0.0, 1.0, 0.05, 2);
    m_denoiseSpin->setToolTip(tr("How much of the schedule runs: the last steps × denoise steps. "
                                 "Low values add detail, high values repaint."));
    m_seedEdit = new SeedEdit;
    passForm->addRow(tr("Sampler:"), m_samplerCombo);
    passForm->addRow(tr("Scheduler:"), m_schedulerCombo);
    passForm->addRow(tr("Steps:"), m_stepsSpin);
    passForm->addRow(tr("CFG:"), m_cfgSpin);
    passForm->addRow(tr("Denoise:"), m_denoiseSpin);
    passForm->addRow(tr("Seed:"), m_seedEdit);
    settingsLayout->addWidget(passBox);

    auto* tileBox = new QGroupBox(tr("Tiles"));
    auto* tileForm = new QFormLayout(tileBox);
    m_modeCombo = new QComboBox;
    m_modeCombo->addItem(tr("Blend (seamless, every step)"), QString::fromLatin1(refineModeName(RefineMode::Blend)));
    m_modeCombo->addItem(tr("Tiles (each latent tile alone)"), QString::fromLatin1(refineModeName(RefineMode::Tiles)));
    m_modeCombo->addItem(tr("Pixel (each tile through the VAE)"), QString::fromLatin1(refineModeName(RefineMode::Pixel)));
    m_tileSpin = makeSpin(64, 8192, 64, tr(" px"));
    m_overlapSpin = makeSpin(-1, 4096, 8, tr(" px"));
    m_overlapSpin->setSpecialValueText(tr("Auto (a quarter)"));
    tileForm->addRow(tr("Mode:"), m_modeCombo);
    tileForm->addRow(tr("Tile size:"), m_tileSpin);
    tileForm->addRow(tr("Overlap:"), m_overlapSpin);
    settingsLayout->addWidget(tileBox);

    m_hyperTileBox = new QGroupBox(tr("HyperTile"));
    m_hyperTileBox->setCheckable(true);
    m_hyperTileBox->setToolTip(tr("Self-attention within tiles of the token grid: faster on large tiles."));
    auto* hyperForm = new QFormLayout(m_hyperTileBox);
    m_hyperTileSizeSpin = makeSpin(1, 2048, 32, tr(" px"));
    m_swapSizeSpin = makeSpin(1, 128, 1);
    m_maxDepthSpin = makeSpin(0, 10, 1);
    m_scaleDepthCheck = new QCheckBox(tr("Larger tiles at deeper levels"));
    hyperForm->addRow(tr("Tile size:"), m_hyperTileSizeSpin);
    hyperForm->addRow(tr("Swap size:"), m_swapSizeSpin);
    hyperForm->addRow(tr("Max depth:"), m_maxDepthSpin);
    hyperForm->addRow(m_scaleDepthCheck);
    m_hyperTileVaeCheck = new QCheckBox(tr("The VAE's attention too"));
    m_hyperTileVaeCheck->setToolTip(tr("Tiles the VAE's mid-block attention as well (ComfyUI leaves the VAE alone)"));
    hyperForm->addRow(m_hyperTileVaeCheck);
    settingsLayout->addWidget(m_hyperTileBox);
    layout->addWidget(m_settingsBox);

    m_previewCheck = new QCheckBox(tr("Refine the tile under the cursor as a preview"));
    m_planSummary = new QLabel;
    m_planSummary->setWordWrap(true);
    m_planSummary->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_run = new RunControls(tr("&Refine"));
    layout->addWidget(m_previewCheck);
    layout->addWidget(m_planSummary);
    layout->addWidget(m_run);
    layout->addStretch(1);

    setModels({});
    setSettings(RefineSettings{});

    for (QComboBox* combo : {m_checkpointCombo, m_refinerCombo, m_vaeCombo, m_deviceCombo, m_precisionCombo, m_samplerCombo,
                             m_schedulerCombo, m_modeCombo})
        connect(combo, &QComboBox::currentIndexChanged, this, &RefinePanel::settingsChanged);
    for (QSpinBox* spin : {m_stepsSpin, m_tileSpin, m_overlapSpin, m_hyperTileSizeSpin, m_swapSizeSpin, m_maxDepthSpin})
        connect(spin, &QSpinBox::valueChanged, this, &RefinePanel::settingsChanged);
    for (QDoubleSpinBox* spin : {m_cfgSpin, m_denoiseSpin})
        connect(spin, &QDoubleSpinBox::valueChanged, this, &RefinePanel::settingsChanged);
    for (QPlainTextEdit* edit : {m_promptEdit, m_negativeEdit})
        connect(edit, &QPlainTextEdit::textChanged, this, &RefinePanel::settingsChanged);
    connect(m_seedEdit, &SeedEdit::seedChanged, this, &RefinePanel::settingsChanged);
    connect(m_hyperTileBox, &QGroupBox::toggled, this, &RefinePanel::settingsChanged);
    connect(m_scaleDepthCheck, &QCheckBox::toggled, this, &RefinePanel::settingsChanged);
    connect(m_hyperTileVaeCheck, &QCheckBox::toggled, this, &RefinePanel::settingsChanged);
    connect(m_previewCheck, &QCheckBox::toggled, this, &RefinePanel::livePreviewToggled);
    connect(m_run, &RunControls::runRequested, this, &RefinePanel::runRequested);
    connect(m_run, &RunControls::cancelRequested, this, &RefinePanel::cancelRequested);
}

void RefinePanel::setModels(const std::vector<ModelListing>& listing)
{
    fillModelCombo(m_checkpointCombo, listing, ModelKind::Diffusion);
    fillModelCombo(m_refinerCombo, listing, ModelKind::Diffusion, tr("None"));
    fillModelCombo(m_vaeCombo, listing, ModelKind::Vae, tr("The checkpoint's own"));
}

void RefinePanel::setDevices(const QStringList& devices)
{
    fillDeviceCombo(m_deviceCombo, devices);
}

RefineSettings RefinePanel::settings() const
{
    RefineSettings s = m_base;
    s.checkpoint = chosenModelPath(m_checkpointCombo).toStdString();
    s.refinerCheckpoint = chosenModelPath(m_refinerCombo).toStdString();
    s.vaePath = chosenModelPath(m_vaeCombo).toStdString();
    s.device = parseDevice(m_deviceCombo->currentData().toString().toStdString());
    s.precision = parsePrecision(m_precisionCombo->currentData().toString().toStdString());
    s.prompt = m_promptEdit->toPlainText().toStdString();
    s.negativePrompt = m_negativeEdit->toPlainText().toStdString();
    s.sampler = m_samplerCombo->currentData().toString().toStdString();
    s.scheduler = m_schedulerCombo->currentData().toString().toStdString();
    s.steps = m_stepsSpin->value();
    s.cfg = m_cfgSpin->value();
    s.denoise = m_denoiseSpin->value();
    s.seed = m_seedEdit->seed();
    s.mode = parseRefineMode(m_modeCombo->currentData().toString().toStdString());
    s.tileSize = m_tileSpin->value();
    s.overlap = m_overlapSpin->value();
    s.hyperTile.reset();
    if (m_hyperTileBox->isChecked()) {
        sd::HyperTileOptions h;
        h.tileSize = m_hyperTileSizeSpin->value();
        h.swapSize = m_swapSizeSpin->value();
        h.maxDepth = m_maxDepthSpin->value();
        h.scaleDepth = m_scaleDepthCheck->isChecked();
        h.vae = m_hyperTileVaeCheck->isChecked();
        s.hyperTile = h;
    }
    return s;
}

void RefinePanel::setSettings(const RefineSettings& s)
{
    m_base = s;
    {
        const QSignalBlocker b1(m_checkpointCombo), b2(m_vaeCombo), b3(m_deviceCombo), b4(m_precisionCombo),
            b5(m_promptEdit), b6(m_negativeEdit), b7(m_samplerCombo), b8(m_schedulerCombo), b9(m_stepsSpin),
            b10(m_cfgSpin), b11(m_denoiseSpin), b12(m_seedEdit), b13(m_modeCombo), b14(m_tileSpin),
            b15(m_overlapSpin), b16(m_hyperTileBox), b17(m_hyperTileSizeSpin), b18(m_swapSizeSpin),
            b19(m_maxDepthSpin), b20(m_scaleDepthCheck), b21(m_refinerCombo),
            b22(m_hyperTileVaeCheck);
        selectModelPath(m_checkpointCombo, QString::fromStdString(s.checkpoint));
        selectModelPath(m_refinerCombo, QString::fromStdString(s.refinerCheckpoint));
        selectModelPath(m_vaeCombo, QString::fromStdString(s.vaePath));
        chooseItemData(m_deviceCombo, QString::fromStdString(deviceName(s.device)));
        chooseItemData(m_precisionCombo, QString::fromLatin1(precisionName(s.precision)));
        m_promptEdit->setPlainText(QString::fromStdString(s.prompt));
        m_negativeEdit->setPlainText(QString::fromStdString(s.negativePrompt));
        chooseItemData(m_samplerCombo, QString::fromStdString(s.sampler));
        chooseItemData(m_schedulerCombo, QString::fromStdString(s.scheduler));
        m_stepsSpin->setValue(s.steps);
        m_cfgSpin->setValue(s.cfg);
        m_denoiseSpin->setValue(s.denoise);
        m_seedEdit->setSeed(s.seed);
        chooseItemData(m_modeCombo, QString::fromLatin1(refineModeName(s.mode)));
        m_tileSpin->setValue(s.tileSize);
        m_overlapSpin->setValue(s.overlap);
        const sd::HyperTileOptions h = s.hyperTile.value_or(sd::HyperTileOptions{});
        m_hyperTileBox->setChecked(s.hyperTile.has_value());
        m_hyperTileSizeSpin->setValue(h.tileSize);
        m_swapSizeSpin->setValue(h.swapSize);
        m_maxDepthSpin->setValue(h.maxDepth);
        m_scaleDepthCheck->setChecked(h.scaleDepth);
        m_hyperTileVaeCheck->setChecked(h.vae);
    }
    emit settingsChanged();
}

bool RefinePanel::livePreview() const
{
    return m_previewCheck->isChecked();
}

void RefinePanel::setPlanSummary(const QString& text)
{
    m_planSummary->setText(text);
}

void RefinePanel::setRunning(bool running)
{
    // A run works through the plan it started with: its settings stay put.
    m_settingsBox->setEnabled(!running);
    m_run->setRunning(running);
}

void RefinePanel::setProgress(int done, int total, const QString& stage, const QString& eta)
{
    m_run->setProgress(done, total, stage, eta);
}

} // namespace tessera

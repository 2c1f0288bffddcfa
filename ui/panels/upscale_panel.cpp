#include "panels/upscale_panel.h"

#include "panels/diffusion_widgets.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tessera {

namespace {

QWidget* sliderRow(QSlider* slider, QSpinBox* spin)
{
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(slider, 1);
    layout->addWidget(spin);
    return row;
}

QSlider* makeSlider(int minimum, int maximum, int step)
{
    auto* slider = new QSlider(Qt::Horizontal);
    slider->setRange(minimum, maximum);
    slider->setSingleStep(step);
    slider->setPageStep(step * 4);
    return slider;
}

} // namespace

UpscalePanel::UpscalePanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);

    // Model, device, precision.
    auto* modelBox = new QGroupBox(tr("Model"));
    m_modelBox = modelBox;
    auto* modelForm = new QFormLayout(modelBox);
    m_modelCombo = new QComboBox;
    m_modelCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_modelCombo->setMinimumContentsLength(18);
    m_modelInfo = new QLabel;
    m_modelInfo->setWordWrap(true);
    m_modelInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_deviceCombo = new QComboBox;
    m_deviceCombo->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_precisionCombo = new QComboBox;
    m_precisionCombo->addItem(tr("fp32 (exact)"), QStringLiteral("fp32"));
    m_precisionCombo->addItem(tr("fp16 (fast, GPU)"), QStringLiteral("fp16"));
    m_precisionCombo->addItem(tr("bf16 (fast, GPU)"), QStringLiteral("bf16"));
    modelForm->addRow(tr("Model:"), m_modelCombo);
    modelForm->addRow(m_modelInfo);
    modelForm->addRow(tr("Device:"), m_deviceCombo);
    modelForm->addRow(tr("Precision:"), m_precisionCombo);
    layout->addWidget(modelBox);

    // Tiling.
    auto* tileBox = new QGroupBox(tr("Tiles"));
    m_tileBox = tileBox;
    auto* tileForm = new QFormLayout(tileBox);
    // The lowest value of each is "automatic": tile size 0 (from free memory:
    // the whole image as one tile when it fits), overlap and halo -1.
    m_tileSlider = makeSlider(0, 2048, 32);
    m_tileSpin = makeSpin(0, 8192, 32, tr(" px"));
    m_tileSpin->setSpecialValueText(tr("Auto"));
    m_overlapSlider = makeSlider(-1, 256, 2);
    m_overlapSpin = makeSpin(-1, 4096, 2, tr(" px"));
    m_overlapSpin->setSpecialValueText(tr("Auto (10%)"));
    m_haloSlider = makeSlider(-1, 128, 2);
    m_haloSpin = makeSpin(-1, 1024, 2, tr(" px"));
    m_haloSpin->setSpecialValueText(tr("Auto"));
    m_tileSlider->setToolTip(tr("Tile size S: each tile infers an S × S area. Larger tiles are faster but need more memory."));
    m_overlapSlider->setToolTip(tr("Overlap O: neighbouring tiles share O pixels and are blended across them."));
    m_haloSlider->setToolTip(tr("Halo P: pixels of real context around each tile, cropped after inference. "
                                "With too small a halo, seams appear."));
    connectSliderAndSpin(m_tileSlider, m_tileSpin);
    connectSliderAndSpin(m_overlapSlider, m_overlapSpin);
    connectSliderAndSpin(m_haloSlider, m_haloSpin);
    m_blendCombo = new QComboBox;
    m_blendCombo->addItem(tr("Smoothstep"), QStringLiteral("smooth"));
    m_blendCombo->addItem(tr("Linear"), QStringLiteral("linear"));
    m_blendCombo->addItem(tr("Gaussian"), QStringLiteral("gaussian"));
    m_scaleSpin = new QSpinBox;
    m_scaleSpin->setRange(0, 16);
    m_scaleSpin->setSpecialValueText(tr("Model's own"));
    m_scaleSpin->setPrefix(QStringLiteral("×"));
    m_gridCheck = new QCheckBox(tr("Show tile grid"));
    m_previewCheck = new QCheckBox(tr("Live preview of the tile under the cursor"));
    m_planSummary = new QLabel;
    m_planSummary->setWordWrap(true);
    // A word-wrapped label in a form gets the height of one line: keep room
    // for the summary's lines as they wrap in a narrow panel.
    m_planSummary->setMinimumHeight(m_planSummary->fontMetrics().lineSpacing() * 6);
    m_planSummary->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    tileForm->addRow(tr("Tile size:"), sliderRow(m_tileSlider, m_tileSpin));
    tileForm->addRow(tr("Overlap:"), sliderRow(m_overlapSlider, m_overlapSpin));
    tileForm->addRow(tr("Halo:"), sliderRow(m_haloSlider, m_haloSpin));
    tileForm->addRow(tr("Blend:"), m_blendCombo);
    tileForm->addRow(tr("Output scale:"), m_scaleSpin);
    tileForm->addRow(m_gridCheck);
    tileForm->addRow(m_previewCheck);
    tileForm->addRow(m_planSummary);
    layout->addWidget(tileBox);

    // Run.
    m_progress = new QProgressBar;
    m_progress->setVisible(false);
    m_etaLabel = new QLabel;
    m_runButton = new QPushButton(tr("&Upscale"));
    m_runButton->setDefault(true);
    m_cancelButton = new QPushButton(tr("Cancel"));
    m_cancelButton->setEnabled(false);
    m_exportButton = new QPushButton(tr("&Export…"));
    m_exportButton->setEnabled(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_runButton);
    buttons->addWidget(m_cancelButton);
    layout->addWidget(m_progress);
    layout->addWidget(m_etaLabel);
    layout->addLayout(buttons);
    layout->addWidget(m_exportButton);
    layout->addStretch(1);

    setSettings(UpscalePanelSettings{});

    connect(m_modelCombo, &QComboBox::currentIndexChanged, this, [this] {
        const ModelChoice* model = currentModel();
        m_modelInfo->setText(model ? tr("%1, ×%2, %3 parameters, %4")
                                         .arg(QString::fromStdString(model->info.architecture))
                                         .arg(model->info.scale)
                                         .arg(QLocale().toString(qint64(model->info.parameterCount)))
                                         .arg(QLocale().formattedDataSize(model->fileSize))
                                   : tr("No models found: the Models tab offers to download them."));
        emit settingsChanged();
    });
    for (QSpinBox* spin : {m_tileSpin, m_overlapSpin, m_haloSpin})
        connect(spin, &QSpinBox::valueChanged, this, &UpscalePanel::settingsChanged);
    connect(m_blendCombo, &QComboBox::currentIndexChanged, this, &UpscalePanel::settingsChanged);
    connect(m_scaleSpin, &QSpinBox::valueChanged, this, &UpscalePanel::settingsChanged);
    connect(m_gridCheck, &QCheckBox::toggled, this, &UpscalePanel::settingsChanged);
    connect(m_previewCheck, &QCheckBox::toggled, this, &UpscalePanel::settingsChanged);
    connect(m_deviceCombo, &QComboBox::currentIndexChanged, this, &UpscalePanel::settingsChanged);
    connect(m_precisionCombo, &QComboBox::currentIndexChanged, this, &UpscalePanel::settingsChanged);
    connect(m_runButton, &QPushButton::clicked, this, &UpscalePanel::runRequested);
    connect(m_cancelButton, &QPushButton::clicked, this, &UpscalePanel::cancelRequested);
    connect(m_exportButton, &QPushButton::clicked, this, &UpscalePanel::exportRequested);
}

void UpscalePanel::connectSliderAndSpin(QSlider* slider, QSpinBox* spin)
{
    // The slider covers the usual range, the spin box any value; both move
    // together, and the overlay follows every step of the slider.
    connect(slider, &QSlider::valueChanged, spin, [spin](int value) {
        if (spin->value() != value)
            spin->setValue(value);
    });
    connect(spin, &QSpinBox::valueChanged, slider, [slider](int value) {
        const QSignalBlocker block(slider);
        slider->setValue(value);
    });
}

void UpscalePanel::setModels(const std::vector<ModelChoice>& models)
{
    const QString previous = currentModel() ? currentModel()->path : QString();
    m_models = models;
    {
        const QSignalBlocker block(m_modelCombo);
        m_modelCombo->clear();
        for (const ModelChoice& model : m_models) {
            m_modelCombo->addItem(QStringLiteral("%1  (%2 ×%3)")
                                      .arg(model.name, QString::fromStdString(model.info.architecture))
                                      .arg(model.info.scale),
                                  model.path);
            m_modelCombo->setItemData(m_modelCombo->count() - 1, model.path, Qt::ToolTipRole);
        }
        m_modelCombo->setCurrentIndex(-1);
    }
    const int index = m_modelCombo->findData(previous);
    m_modelCombo->setCurrentIndex(index >= 0 ? index : (m_models.empty() ? -1 : 0));
    if (m_models.empty())
        m_modelInfo->setText(tr("No models found: the Models tab offers to download them."));
}

const ModelChoice* UpscalePanel::currentModel() const
{
    const int index = m_modelCombo->currentIndex();
    return index >= 0 && index < int(m_models.size()) ? &m_models[size_t(index)] : nullptr;
}

void UpscalePanel::selectModel(const QString& path)
{
    const int index = m_modelCombo->findData(path);
    if (index >= 0)
        m_modelCombo->setCurrentIndex(index);
}

void UpscalePanel::setDevices(const QStringList& devices)
{
    const QString previous = m_deviceCombo->currentData().toString();
    const QSignalBlocker block(m_deviceCombo);
    m_deviceCombo->clear();
    QStringList gpus;
    for (const QString& device : devices) {
        m_deviceCombo->addItem(device == QLatin1String("cpu") ? tr("CPU") : device.toUpper(), device);
        if (device.startsWith(QLatin1String("cuda:")))
            gpus << device.mid(5);
    }
    // Several GPUs: one entry spreads the tiles over all of them.
    if (gpus.size() > 1)
        m_deviceCombo->addItem(tr("All %1 GPUs").arg(gpus.size()), QStringLiteral("cuda:") + gpus.join(QLatin1Char(',')));
    const int index = m_deviceCombo->findData(previous);
    m_deviceCombo->setCurrentIndex(index >= 0 ? index : 0);
}

UpscalePanelSettings UpscalePanel::settings() const
{
    UpscalePanelSettings s;
    s.job.modelPath = currentModel() ? currentModel()->path.toStdString() : std::string();
    tessera::setDevices(s.job, parseDevices(m_deviceCombo->currentData().toString().toStdString()));
    s.job.precision = parsePrecision(m_precisionCombo->currentData().toString().toStdString());
    s.job.tileSize = m_tileSpin->value();
    s.job.overlap = m_overlapSpin->value();
    s.job.halo = m_haloSpin->value();
    s.job.blend = parseBlendRamp(m_blendCombo->currentData().toString().toStdString());
    s.job.outputScale = m_scaleSpin->value();
    s.showGrid = m_gridCheck->isChecked();
    s.livePreview = m_previewCheck->isChecked();
    return s;
}

void UpscalePanel::setSettings(const UpscalePanelSettings& s)
{
    {
        const QSignalBlocker b1(m_tileSpin), b2(m_overlapSpin), b3(m_haloSpin), b4(m_blendCombo),
            b5(m_scaleSpin), b6(m_gridCheck), b7(m_previewCheck), b8(m_precisionCombo), b9(m_deviceCombo);
        // The sliders too: a value beyond a slider's range (the spin boxes
        // allow more) must not be clamped back into the spin box.
        const QSignalBlocker b10(m_tileSlider), b11(m_overlapSlider), b12(m_haloSlider);
        m_tileSpin->setValue(std::max(0, s.job.tileSize));
        m_overlapSpin->setValue(std::max(-1, s.job.overlap));
        m_haloSpin->setValue(std::max(-1, s.job.halo));
        m_tileSlider->setValue(m_tileSpin->value());
        m_overlapSlider->setValue(m_overlapSpin->value());
        m_haloSlider->setValue(m_haloSpin->value());
        m_blendCombo->setCurrentIndex(
            std::max(0, m_blendCombo->findData(QString::fromLatin1(blendRampName(s.job.blend)))));
        m_scaleSpin->setValue(s.job.outputScale);
        m_gridCheck->setChecked(s.showGrid);
        m_previewCheck->setChecked(s.livePreview);
        m_precisionCombo->setCurrentIndex(
            std::max(0, m_precisionCombo->findData(QString::fromLatin1(precisionName(s.job.precision)))));
        const int device = m_deviceCombo->findData(QString::fromStdString(devicesName(devicesOf(s.job))));
        if (device >= 0)
            m_deviceCombo->setCurrentIndex(device);
    }
    if (!s.job.modelPath.empty())
        selectModel(QString::fromStdString(s.job.modelPath));
    emit settingsChanged();
}

void UpscalePanel::setPlanSummary(const QString& text)
{
    m_planSummary->setText(text);
}

void UpscalePanel::setRunning(bool running)
{
    m_runButton->setEnabled(!running);
    // A run works through the plan it started with: its settings stay put.
    m_modelBox->setEnabled(!running);
    m_tileBox->setEnabled(!running);
    m_cancelButton->setEnabled(running);
    m_progress->setVisible(running);
    if (running) {
        m_progress->setValue(0);
        m_etaLabel->clear();
    } else {
        m_exportButton->setEnabled(true);
    }
}

void UpscalePanel::setProgress(int done, int total, const QString& eta)
{
    m_progress->setMaximum(std::max(total, 1));
    m_progress->setValue(done);
    m_etaLabel->setText(eta);
}

} // namespace tessera

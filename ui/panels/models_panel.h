#pragma once
/// The Models panel: every file of the models folder with what its headers
/// tell (kind, architecture or diffusion family, scale, components,
/// parameters, size, or why it cannot be used), in a sortable table that a
/// filter narrows to one kind. It only shows a scan's results: it never
/// reads a file or loads weights. An empty folder shows, in the table's place,
/// the offer to download the model zoo (ModelZooDialog).

#include "bridge/model_listing.h"

#include <QString>
#include <QWidget>

#include <vector>

class QAbstractItemModel;
class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QStandardItemModel;
class QTreeView;

namespace tessera {

class ModelsPanel : public QWidget {
    Q_OBJECT
public:
    /// The table's columns.
    enum Column { NameColumn, KindColumn, FamilyColumn, ScaleColumn, DetailsColumn, ParametersColumn, SizeColumn, ColumnCount };
    /// Which files the table shows.
    enum class Filter { All, Upscale, Diffusion, Vae, Unusable };

    explicit ModelsPanel(QWidget* parent = nullptr);

    /// Shows the files of one scan of `folder` (an empty list when the folder is missing).
    void setModels(const QString& folder, const std::vector<ModelListing>& models);
    const std::vector<ModelListing>& models() const { return m_models; }
    void setFilter(Filter filter);

    /// The group a file is listed under: its kind when usable, else Unusable.
    static Filter groupOf(const ModelListing& model);

    // For tests: the rows as shown (filtered and sorted), and the controls.
    QAbstractItemModel* rows() const;
    QTreeView* view() const { return m_view; }
    QLabel* summary() const { return m_summary; }
    QPushButton* refreshButton() const { return m_refreshButton; }
    /// Shown in the table's place when the folder holds no model file.
    QPushButton* downloadButton() const { return m_downloadButton; }

signals:
    /// The person asked for the folder to be scanned again (or downloaded models into it).
    void refreshRequested();

private:
    /// Offers the model zoo download into the folder; a finished download rescans it.
    void offerDownload();

    std::vector<ModelListing> m_models;
    QString m_folder;
    QStandardItemModel* m_items = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTreeView* m_view = nullptr;
    QStackedWidget* m_pages = nullptr; ///< the table, or the empty folder's offer
    QPushButton* m_downloadButton = nullptr;
    QComboBox* m_filterCombo = nullptr;
    QLabel* m_summary = nullptr;
    QPushButton* m_refreshButton = nullptr;
    QPushButton* m_folderButton = nullptr;
};

} // namespace tessera

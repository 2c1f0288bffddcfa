#pragma once
/// The main window: the image view in the middle, menus, status bar with
/// size, zoom and the pixel value under the cursor.

#include "image/image.h"

#include <QMainWindow>
#include <QString>

class QLabel;
class QMenu;

namespace tessera {

class ImageView;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    /// Opens `path`; shows a message and keeps the current image on failure.
    bool openImage(const QString& path);
    /// The model the next run uses (a file in the models folder by default).
    void setModelPath(const QString& path);

    ImageView* imageView() const { return m_view; }
    const Image& currentImage() const { return m_image; }

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void openDialog();
    void updateTitle();
    void updateRecentMenu();
    void showAbout();

    ImageView* m_view = nullptr;
    QMenu* m_recentMenu = nullptr;
    QLabel* m_sizeLabel = nullptr;
    QLabel* m_zoomLabel = nullptr;
    QLabel* m_pixelLabel = nullptr;
    Image m_image;
    QString m_imagePath;
    QString m_modelPath;
};

} // namespace tessera

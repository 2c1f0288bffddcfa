#include "main_window.h"

#include "common/error.h"
#include "display/display_image.h"
#include "io/image_reader.h"
#include "views/image_view.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>

namespace tessera {

namespace {
constexpr int kMaxRecentFiles = 10;
const char* kRecentKey = "files/recent";
const char* kLastFolderKey = "files/lastFolder";
} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    m_view = new ImageView(this);
    setCentralWidget(m_view);
    setAcceptDrops(true);

    m_sizeLabel = new QLabel(this);
    m_zoomLabel = new QLabel(this);
    m_pixelLabel = new QLabel(this);
    statusBar()->addWidget(m_sizeLabel);
    statusBar()->addWidget(m_zoomLabel);
    statusBar()->addPermanentWidget(m_pixelLabel);

    connect(m_view, &ImageView::zoomChanged, this, [this](double zoom) {
        m_zoomLabel->setText(tr("Zoom %1%").arg(zoom * 100.0, 0, 'f', zoom < 0.1 ? 1 : 0));
    });
    connect(m_view, &ImageView::cursorPixelChanged, this, [this](QPoint pixel) {
        if (pixel.x() < 0 || m_image.isEmpty()) {
            m_pixelLabel->clear();
            return;
        }
        m_pixelLabel->setText(tr("x %1, y %2: %3")
                                  .arg(pixel.x())
                                  .arg(pixel.y())
                                  .arg(pixelValueText(m_image, pixel.x(), pixel.y())));
    });

    createActions();
    updateTitle();

    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    if (!settings.contains("window/geometry"))
        resize(1200, 800);
}

void MainWindow::createActions()
{
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    QAction* open = fileMenu->addAction(tr("&Open…"), this, &MainWindow::openDialog);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = fileMenu->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    fileMenu->addSeparator();
    QAction* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    QAction* zoomIn = viewMenu->addAction(tr("Zoom &In"), m_view, &ImageView::zoomIn);
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction* zoomOut = viewMenu->addAction(tr("Zoom &Out"), m_view, &ImageView::zoomOut);
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QAction* fit = viewMenu->addAction(tr("&Fit to Window"), m_view, &ImageView::zoomToFit);
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    QAction* actual = viewMenu->addAction(tr("&Actual Size (100%)"), m_view, &ImageView::zoomToActualSize);
    actual->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));

    QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About Tessera"), this, &MainWindow::showAbout);
}

void MainWindow::openDialog()
{
    QSettings settings;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Image"), settings.value(kLastFolderKey).toString(),
        tr("Images (*.png *.jpg *.jpeg *.tif *.tiff *.exr *.webp *.bmp *.tga *.hdr *.dpx);;All files (*)"));
    if (!path.isEmpty())
        openImage(path);
}

bool MainWindow::openImage(const QString& path)
{
    QApplication::setOverrideCursor(Qt::WaitCursor);
    try {
        Image image = readImage(path.toStdString());
        QApplication::restoreOverrideCursor();
        m_image = std::move(image);
    } catch (const Error& error) {
        QApplication::restoreOverrideCursor();
        QMessageBox::warning(this, tr("Cannot open image"),
                             tr("Tessera could not open %1.\n\n%2")
                                 .arg(QFileInfo(path).fileName(), QString::fromStdString(error.what())));
        return false;
    }
    m_imagePath = path;
    m_view->setImage(toDisplayImage(m_image));
    m_sizeLabel->setText(tr("%1 × %2, %3 channels, %4")
                             .arg(m_image.width())
                             .arg(m_image.height())
                             .arg(m_image.channels())
                             .arg(QString::fromLatin1(sampleTypeName(m_image.metadata().sourceSampleType))));

    QSettings settings;
    settings.setValue(kLastFolderKey, QFileInfo(path).absolutePath());
    QStringList recent = settings.value(kRecentKey).toStringList();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecentFiles)
        recent.removeLast();
    settings.setValue(kRecentKey, recent);
    updateRecentMenu();
    updateTitle();
    return true;
}

void MainWindow::setModelPath(const QString& path)
{
    m_modelPath = path;
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString& path : recent)
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { openImage(path); })
            ->setToolTip(path);
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::updateTitle()
{
    if (m_imagePath.isEmpty())
        setWindowTitle(tr("Tessera"));
    else
        setWindowTitle(tr("%1 — Tessera").arg(QFileInfo(m_imagePath).fileName()));
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Tessera"),
                       tr("<h3>Tessera %1</h3><p>Seamless tiled upscaling and refinement of images "
                          "with neural networks.</p>")
                           .arg(QApplication::applicationVersion()));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile())
        openImage(urls.first().toLocalFile());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    event->accept();
}

} // namespace tessera

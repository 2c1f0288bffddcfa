#include "main_window.h"

namespace tessera {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Tessera"));
}

} // namespace tessera

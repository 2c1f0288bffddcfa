// tessera: the desktop app.
#include "main_window.h"

#include <QApplication>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("Tessera");
    QApplication::setOrganizationName("Tessera");
    QApplication::setApplicationVersion(TESSERA_VERSION);
    tessera::MainWindow window;
    window.show();
    return app.exec();
}

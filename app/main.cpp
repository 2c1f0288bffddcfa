// tessera: the desktop app. `tessera [IMAGE] [--model FILE]`
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("Tessera");
    QApplication::setOrganizationName("Tessera");
    QApplication::setApplicationVersion(TESSERA_VERSION);
    QApplication::setWindowIcon(QIcon(":/icons/tessera.svg"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Seamless tiled image upscaling"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption modelOption("model", QApplication::translate("main", "Upscale model to select."),
                                   QApplication::translate("main", "file"));
    parser.addOption(modelOption);
    parser.addPositionalArgument("image", QApplication::translate("main", "Image to open."));
    parser.process(app);

    tessera::MainWindow window;
    if (parser.isSet(modelOption))
        window.setModelPath(parser.value(modelOption));
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openImage(parser.positionalArguments().first());
    return app.exec();
}

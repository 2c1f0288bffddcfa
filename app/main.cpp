// tessera: the desktop app. `tessera [IMAGE] [--model FILE]`
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTimer>
#include <QTranslator>

namespace {

/// Loads Tessera's and Qt's own translations for the system language, or for
/// the language chosen in the preferences ("ui/language", e.g. "de" or "ja").
void installTranslations(QApplication& app)
{
    const QString chosen = QSettings().value("ui/language").toString();
    const QLocale locale = chosen.isEmpty() ? QLocale::system() : QLocale(chosen);
    auto* tessera = new QTranslator(&app);
    if (tessera->load(locale, "tessera", "_", ":/i18n"))
        QApplication::installTranslator(tessera);
    auto* qt = new QTranslator(&app);
    if (qt->load(locale, "qtbase", "_", QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qt);
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName("Tessera");
    QApplication::setOrganizationName("Tessera");
    QApplication::setApplicationVersion(TESSERA_VERSION);
    QApplication::setWindowIcon(QIcon(":/icons/tessera.svg"));
    installTranslations(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Seamless tiled image upscaling"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption modelOption("model", QApplication::translate("main", "Upscale model to select."),
                                   QApplication::translate("main", "file"));
    parser.addOption(modelOption);
    // For the README and visual checks: grab the window into a PNG and quit.
    QCommandLineOption screenshotOption("screenshot", QApplication::translate("main", "Save a picture of the window to a PNG file and quit."),
                                        QApplication::translate("main", "file"));
    parser.addOption(screenshotOption);
    parser.addPositionalArgument("image", QApplication::translate("main", "Image to open."));
    parser.process(app);

    tessera::MainWindow window;
    if (parser.isSet(modelOption))
        window.setModelPath(parser.value(modelOption));
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openImage(parser.positionalArguments().first());
    if (parser.isSet(screenshotOption)) {
        const QString target = parser.value(screenshotOption);
        QTimer::singleShot(1500, &window, [&window, target] {
            if (!window.grab().save(target))
                qWarning("could not save the screenshot to %s", qPrintable(target));
            QApplication::quit();
        });
    }
    return app.exec();
}

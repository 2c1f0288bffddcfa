// tessera: the desktop app. `tessera [IMAGE] [--model FILE]`
#include "main_window.h"
#include "views/image_view.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QMouseEvent>
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
    // English carries only the plural forms; it is also the fallback.
    auto* tessera = new QTranslator(&app);
    if (tessera->load(locale, "tessera", "_", ":/i18n") || tessera->load("tessera_en", ":/i18n"))
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
        // Hover the middle of the image so the picture shows a tile's halo and
        // its live preview, then grab once the preview had time to arrive.
        const QString target = parser.value(screenshotOption);
        QObject::connect(&window, &tessera::MainWindow::imageOpened, &window, [&window] {
            QTimer::singleShot(300, &window, [&window] {
                QWidget* view = window.imageView();
                const QPointF centre(view->width() / 2.0, view->height() / 2.0);
                QMouseEvent move(QEvent::MouseMove, centre, view->mapToGlobal(centre), Qt::NoButton, Qt::NoButton,
                                 Qt::NoModifier);
                QApplication::sendEvent(view, &move);
            });
        });
        QTimer::singleShot(12000, &window, [&window, target] {
            if (!window.grab().save(target))
                qWarning("could not save the screenshot to %s", qPrintable(target));
            QApplication::quit();
        });
    }
    return app.exec();
}

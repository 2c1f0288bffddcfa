// The Models panel on a real scan: a folder with a tiny SD 1.5 checkpoint, a
// tiny SDXL base, a standalone VAE, a small upscale model and a corrupt
// .safetensors, scanned by the very job the window submits. Each row shows
// its kind, family and components from the headers; the corrupt file shows
// its error; the filter and the sort work; and the window's Models dock,
// tabbed beside the Upscale dock, lists the scan the picker gets.

// LibTorch headers first: Qt's `slots` / `signals` macros break them when
// they come after a Qt header.
#include "bridge/engine_context.h"
#include "models/loaders/safetensors.h"
#include "support/model_files.h"

#include "diffusion_fixtures.h"

#include "main_window.h"

#include "gui_test_util.h"

#include "bridge/file_jobs.h"
#include "panels/models_panel.h"
#include "panels/upscale_panel.h"

#include <QDockWidget>
#include <QHash>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

using namespace tessera;

namespace {

/// Takes no notice of progress (the scan reports none).
class SilentReporter : public JobReporter {
public:
    void progress(const JobProgress&) override {}
    void partial(const JobPartial&) override {}
};

/// The folder: 2x-compact, sd15_tiny, sdxl_base_tiny, vae_tiny (all
/// .safetensors), broken/corrupt.safetensors, and notes.txt (not a model file).
void fillFolder(const QTemporaryDir& dir)
{
    test::writeCompactUpscaler(dir.filePath(QStringLiteral("2x-compact.safetensors")).toStdString());
    test::composeTinyCheckpoint(dir, "sd15");
    test::composeTinyCheckpoint(dir, "sdxl_base");
    test::composeCheckpoint(dir, "vae_tiny.safetensors", {{"", "vae_tiny.safetensors"}});
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("broken")));
    QFile corrupt(dir.filePath(QStringLiteral("broken/corrupt.safetensors")));
    QVERIFY(corrupt.open(QIODevice::WriteOnly));
    corrupt.write("this is not a safetensors header, only some text");
    corrupt.close();
    QFile notes(dir.filePath(QStringLiteral("notes.txt")));
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("hello");
}

/// The text of `column` in every shown row, top to bottom.
QStringList columnTexts(const ModelsPanel& panel, int column)
{
    QStringList texts;
    const QAbstractItemModel* rows = panel.rows();
    for (int row = 0; row < rows->rowCount(); ++row)
        texts << rows->index(row, column).data().toString();
    return texts;
}

/// The shown row named `name`, or -1.
int rowOf(const ModelsPanel& panel, const QString& name)
{
    return int(columnTexts(panel, ModelsPanel::NameColumn).indexOf(name));
}

QString cellText(const ModelsPanel& panel, const QString& name, int column)
{
    return panel.rows()->index(rowOf(panel, name), column).data().toString();
}

} // namespace

class TestModelsPanel : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_config;
    QTemporaryDir m_models;
    std::vector<ModelListing> m_listing;

private slots:
    void initTestCase()
    {
        QVERIFY(m_config.isValid());
        QVERIFY(m_models.isValid());
        test::isolateSettings(m_config, QStringLiteral("tst_models_panel"));
        fillFolder(m_models);
        qputenv("TESSERA_MODELS", QFile::encodeName(m_models.path()));

        // The scan the window submits, run here on this thread.
        ScanModelsJob scan(m_models.path());
        EngineContext context;
        SilentReporter reporter;
        scan.run(context, CancelToken(), reporter);
        m_listing = scan.listing();
        QCOMPARE(int(m_listing.size()), 5); // notes.txt is no model file
        // The picker still gets only the usable upscale model.
        QCOMPARE(int(scan.models().size()), 1);
        QCOMPARE(scan.models().front().name, QStringLiteral("2x-compact.safetensors"));
    }

    void rowsShowKindFamilyAndComponents()
    {
        ModelsPanel panel;
        panel.setModels(m_models.path(), m_listing);
        QCOMPARE(panel.rows()->rowCount(), 5);
        // Grouped by kind (Upscale, Stable Diffusion, VAE, Unusable), by name within.
        QCOMPARE(columnTexts(panel, ModelsPanel::NameColumn),
                 QStringList({"2x-compact.safetensors", "sd15_tiny.safetensors", "sdxl_base_tiny.safetensors",
                              "vae_tiny.safetensors", "broken/corrupt.safetensors"}));
        QCOMPARE(columnTexts(panel, ModelsPanel::KindColumn),
                 QStringList({"Upscale", "Stable Diffusion", "Stable Diffusion", "VAE", "Unusable"}));

        QCOMPARE(cellText(panel, "2x-compact.safetensors", ModelsPanel::FamilyColumn), QString("SRVGGNetCompact"));
        QCOMPARE(cellText(panel, "2x-compact.safetensors", ModelsPanel::ScaleColumn), QString("×2"));
        QCOMPARE(cellText(panel, "sd15_tiny.safetensors", ModelsPanel::FamilyColumn), QString("SD 1.x"));
        QCOMPARE(cellText(panel, "sdxl_base_tiny.safetensors", ModelsPanel::FamilyColumn), QString("SDXL base"));
        QCOMPARE(cellText(panel, "vae_tiny.safetensors", ModelsPanel::FamilyColumn), QString("VAE"));
        QVERIFY(cellText(panel, "sd15_tiny.safetensors", ModelsPanel::ScaleColumn).isEmpty());

        const QString sd15 = cellText(panel, "sd15_tiny.safetensors", ModelsPanel::DetailsColumn);
        QVERIFY2(sd15.contains("UNet") && sd15.contains("VAE") && sd15.contains("CLIP-L") && !sd15.contains("bigG"),
                 qPrintable(sd15));
        const QString sdxl = cellText(panel, "sdxl_base_tiny.safetensors", ModelsPanel::DetailsColumn);
        QVERIFY2(sdxl.contains("UNet") && sdxl.contains("VAE") && sdxl.contains("CLIP-L") && sdxl.contains("bigG"),
                 qPrintable(sdxl));
        const QString vae = cellText(panel, "vae_tiny.safetensors", ModelsPanel::DetailsColumn);
        QVERIFY2(vae.contains("VAE") && !vae.contains("UNet"), qPrintable(vae));

        for (const QString& name : {"2x-compact.safetensors", "sd15_tiny.safetensors", "sdxl_base_tiny.safetensors",
                                    "vae_tiny.safetensors"}) {
            QVERIFY2(!cellText(panel, name, ModelsPanel::ParametersColumn).isEmpty(), qPrintable(name));
            QVERIFY2(!cellText(panel, name, ModelsPanel::SizeColumn).isEmpty(), qPrintable(name));
        }
        QVERIFY(panel.summary()->text().contains("5"));
    }

    void corruptFileShowsItsError()
    {
        ModelsPanel panel;
        panel.setModels(m_models.path(), m_listing);
        const ModelListing* corrupt = nullptr;
        for (const ModelListing& model : m_listing)
            if (model.name == "broken/corrupt.safetensors")
                corrupt = &model;
        QVERIFY(corrupt && !corrupt->error.isEmpty() && !corrupt->usable());
        QCOMPARE(cellText(panel, corrupt->name, ModelsPanel::DetailsColumn), corrupt->error);
        const QModelIndex name = panel.rows()->index(rowOf(panel, corrupt->name), ModelsPanel::NameColumn);
        const QString toolTip = name.data(Qt::ToolTipRole).toString();
        QVERIFY2(toolTip.contains(QDir::toNativeSeparators(corrupt->path)) && toolTip.contains(corrupt->error),
                 qPrintable(toolTip));
        QVERIFY(!name.data(Qt::DecorationRole).isNull()); // the warning icon
    }

    void filterShowsOneKind()
    {
        ModelsPanel panel;
        panel.setModels(m_models.path(), m_listing);
        panel.setFilter(ModelsPanel::Filter::Diffusion);
        QCOMPARE(columnTexts(panel, ModelsPanel::NameColumn),
                 QStringList({"sd15_tiny.safetensors", "sdxl_base_tiny.safetensors"}));
        panel.setFilter(ModelsPanel::Filter::Vae);
        QCOMPARE(columnTexts(panel, ModelsPanel::NameColumn), QStringList({"vae_tiny.safetensors"}));
        panel.setFilter(ModelsPanel::Filter::Unusable);
        QCOMPARE(columnTexts(panel, ModelsPanel::NameColumn), QStringList({"broken/corrupt.safetensors"}));
        panel.setFilter(ModelsPanel::Filter::Upscale);
        QCOMPARE(columnTexts(panel, ModelsPanel::NameColumn), QStringList({"2x-compact.safetensors"}));
        panel.setFilter(ModelsPanel::Filter::All);
        QCOMPARE(panel.rows()->rowCount(), 5);
    }

    void sortsByNumbers()
    {
        ModelsPanel panel;
        panel.setModels(m_models.path(), m_listing);
        QHash<QString, qint64> sizes, parameters;
        for (const ModelListing& model : m_listing) {
            sizes.insert(model.name, model.fileSize);
            parameters.insert(model.name, model.parameterCount);
        }
        panel.view()->sortByColumn(ModelsPanel::SizeColumn, Qt::AscendingOrder);
        const QStringList bySize = columnTexts(panel, ModelsPanel::NameColumn);
        for (int i = 1; i < bySize.size(); ++i)
            QVERIFY2(sizes[bySize[i - 1]] <= sizes[bySize[i]], qPrintable(bySize.join(", ")));
        panel.view()->sortByColumn(ModelsPanel::ParametersColumn, Qt::DescendingOrder);
        const QStringList byParameters = columnTexts(panel, ModelsPanel::NameColumn);
        QCOMPARE(byParameters.front(), QString("sdxl_base_tiny.safetensors"));
        for (int i = 1; i < byParameters.size(); ++i)
            QVERIFY2(parameters[byParameters[i - 1]] >= parameters[byParameters[i]], qPrintable(byParameters.join(", ")));
    }

    void refreshAsksForAScan()
    {
        ModelsPanel panel;
        QSignalSpy refresh(&panel, &ModelsPanel::refreshRequested);
        QTest::mouseClick(panel.refreshButton(), Qt::LeftButton);
        QCOMPARE(refresh.count(), 1);
    }

    void windowListsTheModelsFolder()
    {
        MainWindow window;
        window.setQuietErrors(true);
        test::waitForModels(window);
        QCOMPARE(int(window.modelsPanel()->models().size()), 5);
        QCOMPARE(int(window.upscalePanel()->models().size()), 1);
        // The Models dock is a tab beside the Upscale dock.
        auto* modelsDock = window.findChild<QDockWidget*>(QStringLiteral("modelsDock"));
        auto* upscaleDock = window.findChild<QDockWidget*>(QStringLiteral("upscaleDock"));
        QVERIFY(modelsDock && upscaleDock);
        QCOMPARE(modelsDock->widget(), static_cast<QWidget*>(window.modelsPanel()));
        QVERIFY(window.tabifiedDockWidgets(upscaleDock).contains(modelsDock));

        // Refresh scans the folder again: a new file appears.
        test::writeCompactUpscaler(m_models.filePath(QStringLiteral("2x-second.safetensors")).toStdString());
        QSignalSpy loaded(&window, &MainWindow::modelsLoaded);
        QTest::mouseClick(window.modelsPanel()->refreshButton(), Qt::LeftButton);
        QVERIFY(test::waitFor(loaded));
        QCOMPARE(int(window.modelsPanel()->models().size()), 6);
        QFile::remove(m_models.filePath(QStringLiteral("2x-second.safetensors")));
    }
};

QTEST_MAIN(TestModelsPanel)
#include "tst_models_panel.moc"

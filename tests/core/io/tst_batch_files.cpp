// The files of a batch (io/batch_files.h, shared by tessera-cli and the app's
// batch dialog) on a temporary folder tree: which files folders stand for,
// with and without subfolders, hidden files and the output folder left out,
// each file once and in path order; what the outputs are called (suffix,
// format, subfolders kept); and the refusals of two inputs into one output
// and of an output that is an input.

#include "common/error.h"
#include "io/batch_files.h"
#include "support/error_checks.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace tessera;
namespace fs = std::filesystem;

namespace {

/// An empty file at `path` (listing and naming look only at names).
void touch(const fs::path& path)
{
    fs::create_directories(path.parent_path());
    std::ofstream(path) << "";
}

/// The inputs' paths relative to `root`, in the order they came.
QStringList relativeTo(const fs::path& root, const std::vector<BatchInput>& inputs)
{
    QStringList paths;
    for (const BatchInput& input : inputs)
        paths << QString::fromStdString(input.path.lexically_relative(root).generic_string());
    return paths;
}

QStringList outputsBelow(const fs::path& root, const std::vector<BatchFile>& files)
{
    QStringList paths;
    for (const BatchFile& file : files)
        paths << QString::fromStdString(file.output.lexically_relative(root).generic_string());
    return paths;
}

} // namespace

class TestBatchFiles : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    fs::path m_in;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_in = fs::path(m_dir.path().toStdString()) / "in";
        for (const char* name : {"b.TIF", "a.png", "notes.txt", ".hidden.png", ".cache/x.png", "sub/c.jpg",
                                 "sub/deeper/d.exr", "out/old-x4.png"})
            touch(m_in / name);
        fs::create_directories(m_dir.path().toStdString() + "/empty");
    }

    void foldersWithAndWithoutSubfolders()
    {
        const fs::path out = m_in / "out";
        QCOMPARE(relativeTo(m_in, listBatchInputs({{m_in, false}}, out)), (QStringList{"a.png", "b.TIF"}));
        // Hidden files and folders and the output folder are left out.
        QCOMPARE(relativeTo(m_in, listBatchInputs({{m_in, true}}, out)),
                 (QStringList{"a.png", "b.TIF", "sub/c.jpg", "sub/deeper/d.exr"}));
        // Subfolders per source: the same folder's files once, in path order.
        QCOMPARE(relativeTo(m_in, listBatchInputs({{m_in / "sub", true}, {m_in, false}}, out)),
                 (QStringList{"a.png", "b.TIF", "sub/c.jpg", "sub/deeper/d.exr"}));
        QVERIFY(listBatchInputs({{m_dir.path().toStdString() + "/empty", true}}, out).empty());
    }

    void filesAreTakenAsGivenAndOnce()
    {
        // A file by itself is taken whatever its extension (reading it says
        // what is wrong), and a file also found in its folder comes once.
        const std::vector<BatchInput> inputs =
            listBatchInputs({{m_in / "notes.txt", false}, {m_in / "a.png", false}, {m_in, false}}, m_in / "out");
        QCOMPARE(relativeTo(m_in, inputs), (QStringList{"a.png", "b.TIF", "notes.txt"}));
        QCOMPARE(QString::fromStdString(inputs[2].relative.string()), QStringLiteral("notes.txt"));
    }

    void outputNames()
    {
        const fs::path out = m_in / "out"; // inside the tree it lists: left out of the inputs
        const std::vector<BatchInput> inputs = listBatchInputs({{m_in, true}}, out);
        // Default: the input's own format, suffix -x<scale>, subfolders kept.
        QCOMPARE(outputsBelow(out, planBatchOutputs(inputs, out, {}, 4)),
                 (QStringList{"a-x4.png", "b-x4.tif", "sub/c-x4.jpg", "sub/deeper/d-x4.exr"}));
        BatchNaming naming;
        naming.suffix = "_up";
        naming.format = batchFormat(".TIF");
        QCOMPARE(outputsBelow(out, planBatchOutputs(inputs, out, naming, 4)),
                 (QStringList{"a_up.tif", "b_up.tif", "sub/c_up.tif", "sub/deeper/d_up.tif"}));
        QCOMPARE(planBatchOutputs(inputs, out, naming, 4)[2].shown, std::string("sub/c.jpg"));
        // A format we read but cannot write becomes PNG.
        touch(m_in / "e.bmp");
        const std::vector<BatchFile> bmp = planBatchOutputs({{m_in / "e.bmp", "e.bmp"}}, out, {}, 2);
        QCOMPARE(QString::fromStdString(bmp[0].output.filename().string()), QStringLiteral("e-x2.png"));
    }

    void formats()
    {
        QCOMPARE(batchFormat("PNG"), std::string("png"));
        QCOMPARE(batchFormat(".tiff"), std::string("tiff"));
        QCOMPARE(batchFormat("webp"), std::string("webp"));
        QCOMPARE(batchFormat("gif"), std::string());
        QCOMPARE(batchFormat(""), std::string());
    }

    void collisionsAreRefused()
    {
        const fs::path out = m_dir.path().toStdString() + "/result";
        // a.png and a.jpg would both be a-x2.png.
        touch(m_in / "twin" / "a.png");
        touch(m_in / "twin" / "a.jpg");
        BatchNaming png;
        png.format = "png";
        const std::vector<BatchInput> twins = listBatchInputs({{m_in / "twin", false}}, out);
        TESSERA_VERIFY_ERROR(planBatchOutputs(twins, out, png, 2), ErrorCode::InvalidArgument);
        // No suffix into the input's own folder would overwrite the input.
        BatchNaming same;
        same.suffix = "";
        TESSERA_VERIFY_ERROR(planBatchOutputs(listBatchInputs({{m_in, false}}, m_in), m_in, same, 2),
                             ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestBatchFiles)
#include "tst_batch_files.moc"

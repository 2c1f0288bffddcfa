// The row writer: rows reach the sink from its thread in order and in chunks,
// a sink's error comes back to the caller, and a writer dropped before
// finish() writes nothing more. On a CUDA device the rows travel through the
// pinned buffers (skipped without one).

// LibTorch headers before Qt's: its `slots` macro breaks them.
#include "common/error.h"
#include "common/torch_compat.h"
#include "tiling/row_writer.h"

#include "support/error_checks.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace tessera;

namespace {

/// Records every call; optionally throws at a row, or waits in each call.
class RecordingSink : public RowSink {
public:
    void begin(int width, int height, int channels) override { rowFloats = int64_t(width) * channels; }
    void writeRows(int y, int rowCount, const float* pixels) override
    {
        if (delayMs > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
        if (failAtRow >= 0 && y <= failAtRow && failAtRow < y + rowCount)
            throw Error(ErrorCode::Io, "out.png: no space left on the device");
        calls.push_back({y, rowCount});
        values.insert(values.end(), pixels, pixels + rowCount * rowFloats);
        threads.push_back(std::this_thread::get_id());
    }
    int64_t rowFloats = 0;
    int failAtRow = -1;
    int delayMs = 0;
    std::vector<std::pair<int, int>> calls;
    std::vector<float> values;
    std::vector<std::thread::id> threads;
};

/// Writes `rows` of `width` x 3 through a writer in two writes and returns the sink.
void writeInTwo(RowSink& sink, const c10::Device& device, const at::Tensor& rows, int chunkRows)
{
    RowWriter writer(sink, device, chunkRows);
    const int64_t half = rows.size(0) / 2;
    writer.write(0, rows.narrow(0, 0, half).contiguous().to(device));
    writer.write(int(half), rows.narrow(0, half, rows.size(0) - half).contiguous().to(device));
    writer.finish();
}

} // namespace

class TestRowWriter : public QObject {
    Q_OBJECT
private slots:
    void rowsArriveInOrderInChunks()
    {
        const at::Tensor rows = at::rand({23, 7, 3});
        RecordingSink sink;
        sink.begin(7, 23, 3);
        writeInTwo(sink, c10::Device(c10::kCPU), rows, 5);
        // 11 rows: 5 + 5 + 1, then 12 rows: 5 + 5 + 2.
        const std::vector<std::pair<int, int>> expected = {{0, 5}, {5, 5}, {10, 1}, {11, 5}, {16, 5}, {21, 2}};
        QCOMPARE(sink.calls, expected);
        QVERIFY(at::equal(at::from_blob(sink.values.data(), {23, 7, 3}, at::kFloat), rows));
        // The sink was called from the writer's thread, not the caller's.
        for (const std::thread::id& id : sink.threads)
            QVERIFY(id != std::this_thread::get_id());
    }

    void sinkErrorsComeBackToTheCaller()
    {
        RecordingSink sink;
        sink.begin(4, 20, 3);
        sink.failAtRow = 6;
        RowWriter writer(sink, c10::Device(c10::kCPU), 4);
        writer.write(0, at::zeros({10, 4, 3}));
        // Either the next write or finish() reports it, naming the file.
        try {
            writer.write(10, at::zeros({10, 4, 3}));
            writer.finish();
            QFAIL("the sink's error was lost");
        } catch (const Error& error) {
            QCOMPARE(error.code(), ErrorCode::Io);
            QVERIFY(QString::fromStdString(error.what()).contains("out.png"));
        }
        // Nothing at or after the failed chunk was written.
        for (const auto& call : sink.calls)
            QVERIFY(call.first + call.second <= 4);
    }

    void droppedWriterWritesNothingMore()
    {
        RecordingSink sink;
        sink.begin(4, 400, 3);
        sink.delayMs = 20;
        {
            RowWriter writer(sink, c10::Device(c10::kCPU), 1);
            writer.write(0, at::zeros({100, 4, 3}));
            writer.write(100, at::zeros({100, 4, 3}));
            // Destroyed without finish(), as on cancel: it stops within a chunk.
        }
        const size_t written = sink.calls.size();
        QVERIFY(written < 50);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        QCOMPARE(sink.calls.size(), written);
    }

    void wrongRowsAreAnInternalError()
    {
        RecordingSink sink;
        sink.begin(4, 4, 3);
        RowWriter writer(sink, c10::Device(c10::kCPU), 4);
        TESSERA_VERIFY_ERROR(writer.write(0, at::zeros({4, 3, 4}).permute({0, 2, 1})), ErrorCode::Internal);
        TESSERA_VERIFY_ERROR(writer.write(0, at::zeros({4, 4}, at::kFloat)), ErrorCode::Internal);
        TESSERA_VERIFY_ERROR(writer.write(0, at::zeros({4, 4, 3}, at::kDouble)), ErrorCode::Internal);
    }

    void cudaRowsComeThroughPinnedBuffers()
    {
        if (!cudaAvailable())
            QSKIP("no CUDA device");
        const at::Tensor rows = at::rand({300, 33, 3});
        RecordingSink sink;
        sink.begin(33, 300, 3);
        writeInTwo(sink, c10::Device(c10::kCUDA, 0), rows, 64);
        QVERIFY(at::equal(at::from_blob(sink.values.data(), {300, 33, 3}, at::kFloat), rows));
    }
};

QTEST_GUILESS_MAIN(TestRowWriter)
#include "tst_row_writer.moc"

#include "common/cancel.h"
#include "common/device.h"
#include "common/error.h"
#include "common/progress.h"

#include <QtTest>
#include "support/error_checks.h"

using namespace tessera;

class TestDevice : public QObject {
    Q_OBJECT
private slots:
    void parsesDevices()
    {
        QCOMPARE(parseDevice("cpu").kind, DeviceKind::Cpu);
        const DeviceSpec cuda = parseDevice("cuda");
        QCOMPARE(cuda.kind, DeviceKind::Cuda);
        QCOMPARE(cuda.index, 0);
        QCOMPARE(parseDevice("cuda:3").index, 3);
        QCOMPARE(QString::fromStdString(deviceName(parseDevice("cuda:3"))), QString("cuda:3"));
    }

    void refusesBadDevices_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << "";
        QTest::newRow("gpu") << "gpu";
        QTest::newRow("negative") << "cuda:-1";
        QTest::newRow("trailing") << "cuda:1x";
        QTest::newRow("no index") << "cuda:";
    }
    void refusesBadDevices()
    {
        QFETCH(QString, text);
        try {
            parseDevice(text.toStdString());
            QFAIL("expected an error");
        } catch (const Error& error) {
            QCOMPARE(error.code(), ErrorCode::InvalidArgument);
            QVERIFY(QString(error.what()).contains("cuda:N"));
        }
    }

    void parsesPrecision()
    {
        QCOMPARE(parsePrecision("bf16"), Precision::Bf16);
        QCOMPARE(QString(precisionName(parsePrecision("fp16"))), QString("fp16"));
        TESSERA_VERIFY_ERROR(parsePrecision("int8"), ErrorCode::InvalidArgument);
    }

    void cancelTokenIsShared()
    {
        CancelToken token;
        CancelToken copy = token;
        QVERIFY(!copy.isCancelled());
        token.cancel();
        QVERIFY(copy.isCancelled());
        try {
            copy.throwIfCancelled();
            QFAIL("expected Cancelled");
        } catch (const Error& error) {
            QCOMPARE(error.code(), ErrorCode::Cancelled);
        }
    }

    void etaCountsDown()
    {
        EtaEstimator eta;
        eta.start(4);
        Progress first = eta.update(0, "upscale");
        QVERIFY(first.etaSeconds < 0); // unknown before anything finished
        eta.update(1, "upscale");
        Progress p = eta.update(2, "upscale");
        QCOMPARE(p.done, int64_t(2));
        QCOMPARE(p.total, int64_t(4));
        QVERIFY(p.etaSeconds >= 0);
        QCOMPARE(eta.update(4, "upscale").etaSeconds, 0.0);
    }
};

QTEST_GUILESS_MAIN(TestDevice)
#include "tst_device.moc"

#include "common/error.h"
#include "image/image.h"
#include "image/tensor_convert.h"

#include <QtTest>

#include "support/error_checks.h"

using namespace tessera;

class TestImage : public QObject {
    Q_OBJECT
private slots:
    void layoutIsHwc()
    {
        Image image(3, 2, 4);
        QCOMPARE(image.pixelCount(), int64_t(6));
        QVERIFY(image.hasAlpha());
        image.at(2, 1, 3) = 0.5f;
        QCOMPARE(image.data()[(1 * 3 + 2) * 4 + 3], 0.5f);
    }

    void refusesBadChannelCounts()
    {
        TESSERA_VERIFY_ERROR(Image(1, 1, 0), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(Image(1, 1, 5), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(Image(-1, 1, 3), ErrorCode::InvalidArgument);
    }

    void tensorRoundTrip()
    {
        Image image(5, 3, 3);
        for (int y = 0; y < 3; ++y)
            for (int x = 0; x < 5; ++x)
                for (int c = 0; c < 3; ++c)
                    image.at(x, y, c) = float(y * 100 + x * 10 + c);
        at::Tensor t = imageToTensor(image);
        QCOMPARE(t.sizes().vec(), (std::vector<int64_t>{1, 3, 3, 5}));
        QCOMPARE(t[0][2][1][4].item<float>(), 142.0f);
        at::Tensor region = imageToTensor(image, 1, 1, 2, 2);
        QCOMPARE(region[0][0][0][0].item<float>(), 110.0f);
        Image back = tensorToImage(t);
        QCOMPARE(back.width(), 5);
        QCOMPARE(back.height(), 3);
        QCOMPARE(std::memcmp(back.data(), image.data(), sizeof(float) * 45), 0);
        TESSERA_VERIFY_ERROR(imageToTensor(image, 4, 0, 2, 1), ErrorCode::InvalidArgument);
    }

    void metadataSetAndFind()
    {
        ImageMetadata metadata;
        metadata.setString("Software", "a");
        metadata.setString("Software", "b");
        QCOMPARE(metadata.entries.size(), size_t(1));
        QCOMPARE(QString::fromStdString(metadata.find("Software")->display), QString("b"));
        QVERIFY(metadata.find("Artist") == nullptr);
    }
};

QTEST_GUILESS_MAIN(TestImage)
#include "tst_image.moc"

// ImageView: zoom at the cursor keeps the image point under it fixed, fit and
// 100% zoom, the before/after split, patches, and hover over the tile overlay.
#include "views/image_view.h"
#include "views/tile_overlay.h"

#include <QApplication>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

using namespace tessera;

namespace {

QImage filled(int width, int height, QColor color)
{
    QImage image(width, height, QImage::Format_ARGB32_Premultiplied);
    image.fill(color);
    return image;
}

bool near(const QPointF& a, const QPointF& b, double tolerance = 1e-6)
{
    return std::abs(a.x() - b.x()) <= tolerance && std::abs(a.y() - b.y()) <= tolerance;
}

QString text(const QPointF& p)
{
    return QStringLiteral("(%1, %2)").arg(p.x()).arg(p.y());
}

} // namespace

class TestImageView : public QObject {
    Q_OBJECT
private slots:
    void fitShowsTheWholeImageCentred()
    {
        ImageView view;
        view.resize(400, 300);
        view.setImage(filled(800, 400, Qt::red));
        QVERIFY(view.isFitting());
        QCOMPARE(view.scaleFactor() * view.devicePixelRatioF(), view.zoom());
        // 800 x 400 in 400 x 300: limited by the width, centred vertically.
        QVERIFY(near(view.imageToWidget(QPointF(0, 0)), QPointF(0, 50)));
        QVERIFY(near(view.imageToWidget(QPointF(800, 400)), QPointF(400, 250)));
        QVERIFY(near(view.widgetToImage(view.imageToWidget(QPointF(123.5, 77.25))), QPointF(123.5, 77.25)));
        // The view follows a resize while fitting (a shown widget gets its
        // resize event at once).
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.resize(200, 300);
        QVERIFY(view.isFitting());
        QVERIFY(near(view.imageToWidget(QPointF(800, 400)), QPointF(200, 200)));
    }

    void zoomKeepsThePointUnderTheCursor_data()
    {
        QTest::addColumn<QPointF>("anchor");
        QTest::addColumn<double>("factor");
        QTest::newRow("zoom in, upper left") << QPointF(60, 40) << 2.5;
        QTest::newRow("zoom in, lower right") << QPointF(350.5, 260.25) << 1.7;
        QTest::newRow("zoom out a little, centre") << QPointF(200, 150) << 0.8;
        QTest::newRow("zoom in a lot") << QPointF(120, 210) << 16.0;
    }

    void zoomKeepsThePointUnderTheCursor()
    {
        QFETCH(QPointF, anchor);
        QFETCH(double, factor);
        ImageView view;
        view.resize(400, 300);
        view.setImage(filled(1600, 1200, Qt::red));
        view.zoomToActualSize(); // the image is larger than the view at 100%
        QCOMPARE(view.zoom(), 1.0);
        QVERIFY(!view.isFitting());
        const QPointF imagePoint = view.widgetToImage(anchor);
        QSignalSpy zoomed(&view, &ImageView::zoomChanged);
        view.setZoom(view.zoom() * factor, anchor);
        QCOMPARE(zoomed.count(), 1);
        QVERIFY(qFuzzyCompare(view.zoom(), factor));
        QVERIFY2(near(view.imageToWidget(imagePoint), anchor, 1e-6),
                 qPrintable(text(view.imageToWidget(imagePoint)) + " != " + text(anchor)));
    }

    void wheelZoomsAtTheCursor()
    {
        ImageView view;
        view.resize(400, 300);
        view.setImage(filled(1600, 1200, Qt::red));
        view.zoomToActualSize();
        const QPointF cursor(97, 211);
        const QPointF imagePoint = view.widgetToImage(cursor);
        for (int notch : {120, 120, -120, 240}) {
            const double before = view.zoom();
            QWheelEvent wheel(cursor, view.mapToGlobal(cursor), QPoint(), QPoint(0, notch), Qt::NoButton,
                              Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(&view, &wheel);
            QVERIFY(notch > 0 ? view.zoom() > before : view.zoom() < before);
            QVERIFY2(near(view.imageToWidget(imagePoint), cursor, 1e-6),
                     qPrintable(text(view.imageToWidget(imagePoint)) + " != " + text(cursor)));
        }
    }

    void zoomOutCentresASmallImage()
    {
        ImageView view;
        view.resize(400, 300);
        view.setImage(filled(400, 300, Qt::red));
        view.setZoom(0.5, QPointF(10, 10));
        // 200 x 150 on screen: centred, whatever the anchor was.
        QVERIFY(near(view.imageToWidget(QPointF(0, 0)), QPointF(100, 75)));
        view.zoomToFit();
        QVERIFY(view.isFitting());
        QCOMPARE(view.zoom(), 1.0);
    }

    void compareSplitShowsBeforeLeftOfTheLine()
    {
        ImageView view;
        view.resize(400, 300);
        view.setImage(filled(400, 300, Qt::red));
        view.setCompareImage(filled(100, 75, Qt::blue)); // smaller original, stretched
        QVERIFY(view.isComparing());
        view.setSplitPosition(0.5);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

        QImage shot = view.grab().toImage();
        QCOMPARE(QColor(shot.pixel(100, 200)), QColor(Qt::blue));
        QCOMPARE(QColor(shot.pixel(300, 200)), QColor(Qt::red));

        // Drag the line to three quarters.
        QTest::mousePress(&view, Qt::LeftButton, Qt::NoModifier, QPoint(201, 150));
        QTest::mouseMove(&view, QPoint(300, 150));
        QTest::mouseRelease(&view, Qt::LeftButton, Qt::NoModifier, QPoint(300, 150));
        QVERIFY2(std::abs(view.splitPosition() - 0.75) < 1e-9, qPrintable(QString::number(view.splitPosition())));
        shot = view.grab().toImage();
        QCOMPARE(QColor(shot.pixel(250, 200)), QColor(Qt::blue));
        QCOMPARE(QColor(shot.pixel(350, 200)), QColor(Qt::red));

        view.setSplitPosition(7.0);
        QCOMPARE(view.splitPosition(), 1.0);
        view.setSplitPosition(-1.0);
        QCOMPARE(view.splitPosition(), 0.0);

        // An empty image leaves compare mode: the result everywhere.
        view.setCompareImage(QImage());
        QVERIFY(!view.isComparing());
        shot = view.grab().toImage();
        QCOMPARE(QColor(shot.pixel(100, 200)), QColor(Qt::red));
    }

    void patchesReplaceByKey()
    {
        ImageView view;
        view.resize(400, 300);
        view.setImage(filled(400, 300, Qt::red));
        view.setPatch(7, QRectF(0, 0, 50, 50), filled(10, 10, Qt::green));
        view.setPatch(7, QRectF(100, 100, 50, 50), filled(10, 10, Qt::green));
        view.setPatch(-1, QRectF(300, 0, 20, 20), filled(10, 10, Qt::blue));
        QCOMPARE(view.patchCount(), 2);
        QCOMPARE(view.patchRect(7), QRectF(100, 100, 50, 50));
        QVERIFY(view.patchRect(3).isEmpty());
        const QImage shot = view.grab().toImage();
        QCOMPARE(QColor(shot.pixel(125, 125)), QColor(Qt::green));
        QCOMPARE(QColor(shot.pixel(25, 25)), QColor(Qt::red));
        QCOMPARE(QColor(shot.pixel(310, 10)), QColor(Qt::blue));
        view.clearPatches();
        QCOMPARE(view.patchCount(), 0);
    }

    void hoverPicksTheTileUnderTheCursor()
    {
        ImageView view;
        view.resize(400, 300);
        view.setImage(filled(400, 300, Qt::red)); // fit at 100%: widget = image pixels
        TileOverlay overlay;
        TileSettings settings;
        settings.tileSize = 100;
        settings.overlap = 10;
        overlay.setPlan(TilePlan(400, 300, settings));
        view.setTileOverlay(&overlay);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy pixels(&view, &ImageView::cursorPixelChanged);
        for (const QPoint p : {QPoint(5, 5), QPoint(250, 120), QPoint(395, 295)}) {
            QTest::mouseMove(&view, p);
            QTRY_COMPARE(overlay.hoveredTile(), overlay.tileAt(view.widgetToImage(QPointF(p))));
            QVERIFY(overlay.hoveredTile() >= 0);
        }
        QVERIFY(!pixels.isEmpty());
        QCOMPARE(pixels.last().at(0).toPoint(), QPoint(395, 295));
    }
};

QTEST_MAIN(TestImageView)
#include "tst_image_view.moc"

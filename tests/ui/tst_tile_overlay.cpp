// The tile overlay draws exactly the tiles of core's TilePlan: target areas,
// halos, blend regions and ramp bands, and tracks hover and run states.
#include "views/tile_overlay.h"

#include "common/error.h"

#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>

using namespace tessera;

namespace {

QRect toQRect(const TileRect& r)
{
    return QRect(r.x, r.y, r.width, r.height);
}

} // namespace

class TestTileOverlay : public QObject {
    Q_OBJECT
private slots:
    void geometryEqualsPlan_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("tile");
        QTest::addColumn<int>("overlap");
        QTest::addColumn<int>("halo");
        QTest::addColumn<int>("scale");
        QTest::addColumn<int>("multiple");
        QTest::newRow("one tile, image smaller than S") << 96 << 64 << 512 << -1 << 32 << 2 << 1;
        QTest::newRow("3x2 grid, default overlap") << 1000 << 700 << 400 << -1 << 32 << 4 << 1;
        QTest::newRow("zero overlap") << 300 << 200 << 64 << 0 << 16 << 2 << 1;
        QTest::newRow("zero halo, odd sizes") << 517 << 263 << 100 << 10 << 0 << 1 << 1;
        QTest::newRow("multiple of 8") << 640 << 480 << 128 << 12 << 20 << 4 << 8;
        QTest::newRow("tall strip") << 40 << 900 << 128 << 32 << 64 << 3 << 4;
        QTest::newRow("max overlap") << 256 << 256 << 64 << 32 << 8 << 2 << 1;
    }

    void geometryEqualsPlan()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, tile);
        QFETCH(int, overlap);
        QFETCH(int, halo);
        QFETCH(int, scale);
        QFETCH(int, multiple);
        TileSettings settings;
        settings.tileSize = tile;
        settings.overlap = overlap;
        settings.halo = halo;
        settings.scale = scale;
        settings.inputMultiple = multiple;
        const TilePlan plan(width, height, settings);

        TileOverlay overlay;
        QSignalSpy changed(&overlay, &TileOverlay::changed);
        overlay.setPlan(plan);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(overlay.plan().tileCount(), plan.tileCount());
        QCOMPARE(overlay.plan().settings().overlap, plan.settings().overlap);
        QCOMPARE(overlay.plan().settings().halo, plan.settings().halo);
        const std::vector<TileGeometry>& geometry = overlay.geometry();
        QCOMPARE(int(geometry.size()), plan.tileCount());
        QVERIFY(plan.tileCount() >= 1);

        const QRect imageRect(0, 0, width, height);
        for (const Tile& t : plan.tiles()) {
            const TileGeometry& g = geometry[size_t(t.index)];
            QCOMPARE(g.area, toQRect(t.area));
            QCOMPARE(g.halo, toQRect(t.halo));
            QCOMPARE(g.blend, toQRect(t.blend));
            QVERIFY(imageRect.contains(g.area));
            QVERIFY(g.halo.contains(g.area));
            QVERIFY(g.area.contains(g.blend));
            // Ramp bands: inside the blend region, on its edges, as wide as the plan says.
            QCOMPARE(g.rampLeft.width(), t.rampLeft);
            QCOMPARE(g.rampRight.width(), t.rampRight);
            QCOMPARE(g.rampTop.height(), t.rampTop);
            QCOMPARE(g.rampBottom.height(), t.rampBottom);
            for (const QRect& band : {g.rampLeft, g.rampTop, g.rampRight, g.rampBottom})
                QVERIFY(band.isEmpty() || g.blend.contains(band));
            if (t.rampLeft > 0) {
                QCOMPARE(g.rampLeft.left(), g.blend.left());
                QCOMPARE(g.rampLeft.height(), g.blend.height());
            }
            if (t.rampRight > 0)
                QCOMPARE(g.rampRight.right(), g.blend.right());
            if (t.rampTop > 0)
                QCOMPARE(g.rampTop.top(), g.blend.top());
            if (t.rampBottom > 0)
                QCOMPARE(g.rampBottom.bottom(), g.blend.bottom());
            QCOMPARE(overlay.tileState(t.index), TileState::Pending);
        }
    }

    void tileAtFollowsBlendRegions()
    {
        TileSettings settings;
        settings.tileSize = 100;
        settings.overlap = 20;
        settings.halo = 8;
        const TilePlan plan(250, 180, settings);
        TileOverlay overlay;
        overlay.setPlan(plan);
        // Every pixel belongs to the tile whose blend region holds it.
        for (int y = 0; y < 180; y += 7)
            for (int x = 0; x < 250; x += 7) {
                const int index = overlay.tileAt(QPointF(x + 0.5, y + 0.5));
                QVERIFY2(index >= 0, qPrintable(QStringLiteral("no tile at %1,%2").arg(x).arg(y)));
                QVERIFY(overlay.geometry()[size_t(index)].area.contains(QPoint(x, y)));
                QVERIFY(overlay.geometry()[size_t(index)].blend.contains(QPoint(x, y)));
            }
        QCOMPARE(overlay.tileAt(QPointF(-1, 5)), -1);
        QCOMPARE(overlay.tileAt(QPointF(10, 180.5)), -1);
        QCOMPARE(overlay.tileAt(QPointF(5, 5)), 0);
        QCOMPARE(overlay.tileAt(QPointF(249.5, 179.5)), plan.tileCount() - 1);
    }

    void statesAndHover()
    {
        TileSettings settings;
        settings.tileSize = 64;
        settings.overlap = 8;
        TileOverlay overlay;
        overlay.setPlan(TilePlan(200, 100, settings));
        QSignalSpy changed(&overlay, &TileOverlay::changed);
        overlay.setTileState(1, TileState::Running);
        overlay.setTileState(1, TileState::Running); // unchanged: no signal
        overlay.setTileState(0, TileState::Done);
        overlay.setTileState(99, TileState::Done);   // out of range: ignored
        QCOMPARE(changed.count(), 2);
        QCOMPARE(overlay.tileState(0), TileState::Done);
        QCOMPARE(overlay.tileState(1), TileState::Running);
        QCOMPARE(overlay.tileState(2), TileState::Pending);
        overlay.setHoveredTile(3);
        QCOMPARE(overlay.hoveredTile(), 3);
        overlay.resetStates();
        QCOMPARE(overlay.tileState(0), TileState::Pending);

        // A smaller plan drops a hover that no longer exists and resets the states.
        overlay.setTileState(0, TileState::Done);
        overlay.setPlan(TilePlan(50, 50, settings));
        QCOMPARE(overlay.plan().tileCount(), 1);
        QCOMPARE(overlay.hoveredTile(), -1);
        QCOMPARE(overlay.tileState(0), TileState::Pending);
        overlay.setPlan(TilePlan());
        QVERIFY(overlay.geometry().empty());
    }

    void paintsTheGridOnTheAreaBorders()
    {
        TileSettings settings;
        settings.tileSize = 40;
        settings.overlap = 0;
        settings.halo = 4;
        TileOverlay overlay;
        overlay.setPlan(TilePlan(80, 40, settings));
        QCOMPARE(overlay.plan().tileCount(), 2);
        QImage canvas(160, 80, QImage::Format_ARGB32_Premultiplied);
        canvas.fill(Qt::black);
        {
            QPainter painter(&canvas);
            overlay.paint(painter, QTransform::fromScale(2.0, 2.0)); // 2 widget px per image px
        }
        // Grid lines on the tiles' borders, nothing in the tiles' middles.
        QVERIFY(qGray(canvas.pixel(0, 40)) > 100);  // left edge of tile 0
        QVERIFY(qGray(canvas.pixel(80, 40)) > 100); // left edge of tile 1 (image x 40)
        QCOMPARE(qGray(canvas.pixel(40, 40)), 0);
        QCOMPARE(qGray(canvas.pixel(120, 40)), 0);

        // Hidden: nothing drawn.
        overlay.setVisible(false);
        canvas.fill(Qt::black);
        {
            QPainter painter(&canvas);
            overlay.paint(painter, QTransform::fromScale(2.0, 2.0));
        }
        QCOMPARE(qGray(canvas.pixel(0, 40)), 0);
        QCOMPARE(qGray(canvas.pixel(80, 40)), 0);
    }
};

QTEST_MAIN(TestTileOverlay)
#include "tst_tile_overlay.moc"

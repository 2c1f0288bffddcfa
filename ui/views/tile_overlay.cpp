#include "views/tile_overlay.h"

#include <QPainter>
#include <QPainterPath>

namespace tessera {

namespace {

QRect toQRect(const TileRect& r)
{
    return QRect(r.x, r.y, r.width, r.height);
}

} // namespace

TileOverlay::TileOverlay(QObject* parent) : QObject(parent) {}

void TileOverlay::setPlan(const TilePlan& plan)
{
    m_plan = plan;
    m_geometry.clear();
    m_geometry.reserve(plan.tiles().size());
    for (const Tile& tile : plan.tiles()) {
        TileGeometry g;
        g.area = toQRect(tile.area);
        g.halo = toQRect(tile.halo);
        g.blend = toQRect(tile.blend);
        const QRect& b = g.blend;
        if (tile.rampLeft > 0)
            g.rampLeft = QRect(b.x(), b.y(), tile.rampLeft, b.height());
        if (tile.rampRight > 0)
            g.rampRight = QRect(b.x() + b.width() - tile.rampRight, b.y(), tile.rampRight, b.height());
        if (tile.rampTop > 0)
            g.rampTop = QRect(b.x(), b.y(), b.width(), tile.rampTop);
        if (tile.rampBottom > 0)
            g.rampBottom = QRect(b.x(), b.y() + b.height() - tile.rampBottom, b.width(), tile.rampBottom);
        m_geometry.push_back(g);
    }
    m_states.assign(m_geometry.size(), TileState::Pending);
    if (m_hovered >= int(m_geometry.size()))
        m_hovered = -1;
    emit changed();
}

void TileOverlay::setVisible(bool visible)
{
    if (visible == m_visible)
        return;
    m_visible = visible;
    emit changed();
}

void TileOverlay::setTileState(int index, TileState state)
{
    if (index < 0 || index >= int(m_states.size()) || m_states[size_t(index)] == state)
        return;
    m_states[size_t(index)] = state;
    emit changed();
}

TileState TileOverlay::tileState(int index) const
{
    return m_states.at(size_t(index));
}

void TileOverlay::resetStates()
{
    std::fill(m_states.begin(), m_states.end(), TileState::Pending);
    emit changed();
}

int TileOverlay::tileAt(const QPointF& imagePoint) const
{
    const QPoint p(int(std::floor(imagePoint.x())), int(std::floor(imagePoint.y())));
    int inArea = -1;
    for (size_t i = 0; i < m_geometry.size(); ++i) {
        // The blend regions partition the image (up to the ramps), so the
        // tile whose blend region holds the point is the one that shapes it most.
        if (m_geometry[i].blend.contains(p))
            return int(i);
        if (inArea < 0 && m_geometry[i].area.contains(p))
            inArea = int(i);
    }
    return inArea;
}

void TileOverlay::setHoveredTile(int index)
{
    if (index == m_hovered)
        return;
    m_hovered = index;
    emit changed();
}

void TileOverlay::paint(QPainter& painter, const QTransform& imageToWidget) const
{
    if (!m_visible || m_geometry.empty())
        return;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    const QColor runningFill(255, 196, 0, 70);
    const QColor pendingFill(0, 0, 0, 40);
    const QColor rampFill(80, 170, 255, 55);
    const QColor gridPen(255, 255, 255, 150);

    // Tile states first (under the lines), only once a run has started.
    const bool running = std::any_of(m_states.begin(), m_states.end(),
                                     [](TileState s) { return s != TileState::Pending; });
    for (size_t i = 0; running && i < m_geometry.size(); ++i) {
        if (m_states[i] == TileState::Done)
            continue;
        const QRectF r = imageToWidget.mapRect(QRectF(m_geometry[i].blend));
        painter.fillRect(r, m_states[i] == TileState::Running ? runningFill : pendingFill);
    }

    // Overlap (blend) bands, then every tile's target area.
    for (const TileGeometry& g : m_geometry)
        for (const QRect& band : {g.rampLeft, g.rampTop})
            if (!band.isEmpty())
                painter.fillRect(imageToWidget.mapRect(QRectF(band)), rampFill);
    painter.setPen(QPen(gridPen, 1.0));
    painter.setBrush(Qt::NoBrush);
    for (const TileGeometry& g : m_geometry)
        painter.drawRect(imageToWidget.mapRect(QRectF(g.area)).adjusted(0, 0, -1, -1));

    // The hovered tile: its area bold, its halo dashed.
    if (m_hovered >= 0 && m_hovered < int(m_geometry.size())) {
        const TileGeometry& g = m_geometry[size_t(m_hovered)];
        painter.setPen(QPen(QColor(255, 170, 0), 2.0));
        painter.drawRect(imageToWidget.mapRect(QRectF(g.area)));
        QPen haloPen(QColor(255, 90, 60), 1.5, Qt::DashLine);
        painter.setPen(haloPen);
        painter.drawRect(imageToWidget.mapRect(QRectF(g.halo)));
    }
    painter.restore();
}

} // namespace tessera

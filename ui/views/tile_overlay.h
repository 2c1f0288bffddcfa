#pragma once
/// The tile grid drawn over the image: each tile's target area, the overlap
/// bands where neighbours blend, and the halo of the tile under the cursor,
/// all taken from core's TilePlan (the very plan the engine runs). During a
/// run tiles show pending / running / done.

#include "tiling/tile_plan.h"

#include <QObject>
#include <QRect>
#include <QTransform>

#include <vector>

class QPainter;

namespace tessera {

enum class TileState { Pending, Running, Done };

/// One tile's rectangles in image pixels.
struct TileGeometry {
    QRect area;  ///< target area S x S
    QRect halo;  ///< area plus halo (may reach outside the image)
    QRect blend; ///< where the tile's blend weight is non-zero
    QRect rampLeft, rampTop, rampRight, rampBottom; ///< the ramp bands inside blend (empty when none)
};

class TileOverlay : public QObject {
    Q_OBJECT
public:
    explicit TileOverlay(QObject* parent = nullptr);

    /// Replaces the plan; all tiles become Pending.
    void setPlan(const TilePlan& plan);
    const TilePlan& plan() const { return m_plan; }
    const std::vector<TileGeometry>& geometry() const { return m_geometry; }

    void setVisible(bool visible);
    bool isVisible() const { return m_visible; }

    void setTileState(int index, TileState state);
    TileState tileState(int index) const;
    void resetStates();

    /// The tile whose target area contains the image point, preferring the
    /// one whose blend region does; -1 when none.
    int tileAt(const QPointF& imagePoint) const;
    void setHoveredTile(int index);
    int hoveredTile() const { return m_hovered; }

    /// Draws in widget coordinates; `imageToWidget` maps image pixels there.
    void paint(QPainter& painter, const QTransform& imageToWidget) const;

signals:
    void changed();

private:
    TilePlan m_plan;
    std::vector<TileGeometry> m_geometry;
    std::vector<TileState> m_states;
    int m_hovered = -1;
    bool m_visible = true;
};

} // namespace tessera

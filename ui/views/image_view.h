#pragma once
/// Shows an image with smooth zoom (wheel at the cursor, fit, 100%) and pan
/// (drag, or the scroll keys). 100% means one image pixel per physical screen
/// pixel, so HiDPI screens show the image sharp.

#include <QImage>
#include <QPointF>
#include <QTransform>
#include <QWidget>

#include <vector>

namespace tessera {

class TileOverlay;

class ImageView : public QWidget {
    Q_OBJECT
public:
    explicit ImageView(QWidget* parent = nullptr);

    void setImage(const QImage& image);
    /// Pixels drawn over the image at `imageRect` (image pixels), e.g. a tile's
    /// preview or a finished tile during a run; `key` replaces an earlier patch.
    void setPatch(int key, const QRectF& imageRect, const QImage& pixels);
    void clearPatches();
    int patchCount() const { return int(m_patches.size()); }
    /// Where patch `key` lies (image pixels); an empty rectangle when there is none.
    QRectF patchRect(int key) const;

    /// Compare mode: `before` is drawn stretched over the image, left of a
    /// split line the person drags; an empty image leaves compare mode.
    void setCompareImage(const QImage& before);
    bool isComparing() const { return !m_before.isNull(); }
    /// The "before" of compare mode (empty when not comparing).
    const QImage& compareImage() const { return m_before; }
    /// Where the split line is, as a fraction of the widget width (0 shows
    /// only the result, 1 only the original).
    double splitPosition() const { return m_split; }
    void setSplitPosition(double fraction);

    /// Draws `overlay` (not owned) over the image and tracks the hovered tile.
    void setTileOverlay(TileOverlay* overlay);
    /// Image pixels to widget (logical) coordinates.
    QTransform imageToWidgetTransform() const;
    const QImage& image() const { return m_image; }

    /// Zoom as image pixels per physical screen pixel (1.0 = 100%).
    double zoom() const { return m_zoom; }
    bool isFitting() const { return m_fit; }

    /// Maps between widget coordinates (logical pixels) and image pixels.
    QPointF widgetToImage(const QPointF& widgetPoint) const;
    QPointF imageToWidget(const QPointF& imagePoint) const;
    /// Logical widget pixels per image pixel.
    double scaleFactor() const;

public slots:
    void zoomToFit();
    void zoomToActualSize();
    void zoomIn();
    void zoomOut();
    /// Sets the zoom keeping the image point under `widgetAnchor` fixed.
    void setZoom(double zoom, const QPointF& widgetAnchor);

signals:
    void zoomChanged(double zoom);
    /// The image pixel under the cursor, or (-1, -1) when outside the image.
    void cursorPixelChanged(QPoint pixel);
    /// The view moved or zoomed: overlays redraw.
    void viewChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

    /// Subclasses and overlays draw on top in widget coordinates.
    virtual void paintOverlay(QPainter& painter);

private:
    double fitZoom() const;
    void clampOffset();

    struct Patch {
        int key;
        QRectF rect;
        QImage pixels;
    };
    bool nearSplit(const QPointF& widgetPoint) const;

    QImage m_image;
    QImage m_before;
    double m_split = 0.5;
    bool m_draggingSplit = false;
    std::vector<Patch> m_patches;
    TileOverlay* m_overlay = nullptr;
    double m_zoom = 1.0;
    bool m_fit = true;
    QPointF m_offset; ///< widget position (logical pixels) of the image's top-left corner
    bool m_panning = false;
    QPointF m_panStart;
    QPointF m_offsetAtPanStart;
};

} // namespace tessera

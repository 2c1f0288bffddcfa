#pragma once
/// Shows an image with smooth zoom (wheel at the cursor, fit, 100%) and pan
/// (drag, or the scroll keys). 100% means one image pixel per physical screen
/// pixel, so HiDPI screens show the image sharp.

#include <QImage>
#include <QPointF>
#include <QWidget>

namespace tessera {

class ImageView : public QWidget {
    Q_OBJECT
public:
    explicit ImageView(QWidget* parent = nullptr);

    void setImage(const QImage& image);
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

    QImage m_image;
    double m_zoom = 1.0;
    bool m_fit = true;
    QPointF m_offset; ///< widget position (logical pixels) of the image's top-left corner
    bool m_panning = false;
    QPointF m_panStart;
    QPointF m_offsetAtPanStart;
};

} // namespace tessera

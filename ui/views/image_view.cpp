#include "views/image_view.h"

#include "views/tile_overlay.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace tessera {

namespace {
constexpr double kMinZoom = 1.0 / 64.0;
constexpr double kMaxZoom = 64.0;
constexpr double kWheelStep = 1.0015; // zoom factor per wheel angle unit (1/8 degree)
} // namespace

ImageView::ImageView(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(200, 150);
}

void ImageView::setImage(const QImage& image)
{
    const bool sameSize = !m_image.isNull() && image.size() == m_image.size();
    m_image = image;
    if (!sameSize)
        zoomToFit();
    else
        update();
}

void ImageView::setPatch(int key, const QRectF& imageRect, const QImage& pixels)
{
    for (Patch& patch : m_patches) {
        if (patch.key == key) {
            patch = {key, imageRect, pixels};
            update();
            return;
        }
    }
    m_patches.push_back({key, imageRect, pixels});
    update();
}

QRectF ImageView::patchRect(int key) const
{
    for (const Patch& patch : m_patches)
        if (patch.key == key)
            return patch.rect;
    return {};
}

void ImageView::clearPatches()
{
    if (m_patches.empty())
        return;
    m_patches.clear();
    update();
}

void ImageView::setCompareImage(const QImage& before)
{
    m_before = before;
    update();
}

void ImageView::setSplitPosition(double fraction)
{
    m_split = std::clamp(fraction, 0.0, 1.0);
    update();
}

bool ImageView::nearSplit(const QPointF& widgetPoint) const
{
    return isComparing() && std::abs(widgetPoint.x() - m_split * width()) <= 6.0;
}

void ImageView::setTileOverlay(TileOverlay* overlay)
{
    if (m_overlay)
        disconnect(m_overlay, nullptr, this, nullptr);
    m_overlay = overlay;
    if (m_overlay)
        connect(m_overlay, &TileOverlay::changed, this, qOverload<>(&QWidget::update));
    update();
}

QTransform ImageView::imageToWidgetTransform() const
{
    const double s = scaleFactor();
    return QTransform(s, 0, 0, s, m_offset.x(), m_offset.y());
}

double ImageView::scaleFactor() const
{
    return m_zoom / devicePixelRatioF();
}

QPointF ImageView::widgetToImage(const QPointF& widgetPoint) const
{
    return (widgetPoint - m_offset) / scaleFactor();
}

QPointF ImageView::imageToWidget(const QPointF& imagePoint) const
{
    return imagePoint * scaleFactor() + m_offset;
}

double ImageView::fitZoom() const
{
    if (m_image.isNull())
        return 1.0;
    const double dpr = devicePixelRatioF();
    const double zx = width() * dpr / m_image.width();
    const double zy = height() * dpr / m_image.height();
    return std::clamp(std::min(zx, zy), kMinZoom, kMaxZoom);
}

void ImageView::zoomToFit()
{
    m_fit = true;
    m_zoom = fitZoom();
    const QSizeF shown = QSizeF(m_image.size()) * scaleFactor();
    m_offset = QPointF((width() - shown.width()) / 2.0, (height() - shown.height()) / 2.0);
    emit zoomChanged(m_zoom);
    emit viewChanged();
    update();
}

void ImageView::zoomToActualSize()
{
    setZoom(1.0, rect().center());
}

void ImageView::zoomIn()
{
    setZoom(m_zoom * 1.25, rect().center());
}

void ImageView::zoomOut()
{
    setZoom(m_zoom / 1.25, rect().center());
}

void ImageView::setZoom(double zoom, const QPointF& widgetAnchor)
{
    zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    const QPointF imageAnchor = widgetToImage(widgetAnchor);
    m_zoom = zoom;
    m_fit = false;
    m_offset = widgetAnchor - imageAnchor * scaleFactor();
    clampOffset();
    emit zoomChanged(m_zoom);
    emit viewChanged();
    update();
}

void ImageView::clampOffset()
{
    // Keep at least a quarter of the view covered by the image; centre it when
    // it is smaller than the view.
    const QSizeF shown = QSizeF(m_image.size()) * scaleFactor();
    const auto clampAxis = [](double offset, double shownLen, double viewLen) {
        if (shownLen <= viewLen)
            return (viewLen - shownLen) / 2.0;
        const double margin = viewLen * 0.25;
        return std::clamp(offset, viewLen - shownLen - margin, margin);
    };
    m_offset.setX(clampAxis(m_offset.x(), shown.width(), width()));
    m_offset.setY(clampAxis(m_offset.y(), shown.height(), height()));
}

void ImageView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Window).darker(130));
    if (m_image.isNull()) {
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(rect(), Qt::AlignCenter,
                         tr("Open an image (Ctrl+O) or drop one here"));
        return;
    }
    const QRectF target(m_offset, QSizeF(m_image.size()) * scaleFactor());
    // Smooth when shrinking; sharp pixels when magnifying, so users can judge detail.
    painter.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom < 1.0);
    painter.drawImage(target, m_image);
    for (const Patch& patch : m_patches)
        painter.drawImage(imageToWidgetTransform().mapRect(patch.rect), patch.pixels);
    if (isComparing()) {
        // The original, stretched over the result, left of the split line.
        const double splitX = m_split * width();
        painter.save();
        painter.setClipRect(QRectF(0, 0, splitX, height()));
        painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
        painter.drawImage(target, m_before);
        painter.restore();
        painter.setPen(QPen(QColor(255, 255, 255, 220), 2.0));
        painter.drawLine(QPointF(splitX, 0), QPointF(splitX, height()));
        painter.setPen(palette().color(QPalette::BrightText));
        painter.drawText(QRectF(8, 8, splitX - 16, 24), Qt::AlignLeft | Qt::AlignVCenter, tr("Before"));
        painter.drawText(QRectF(splitX + 8, 8, width() - splitX - 16, 24), Qt::AlignRight | Qt::AlignVCenter,
                         tr("After"));
    }
    paintOverlay(painter);
}

void ImageView::paintOverlay(QPainter& painter)
{
    if (m_overlay)
        m_overlay->paint(painter, imageToWidgetTransform());
}

void ImageView::resizeEvent(QResizeEvent*)
{
    if (m_fit)
        zoomToFit();
    else
        clampOffset();
}

void ImageView::wheelEvent(QWheelEvent* event)
{
    const double steps = event->angleDelta().y();
    if (steps == 0.0)
        return;
    setZoom(m_zoom * std::pow(kWheelStep, steps), event->position());
    event->accept();
}

void ImageView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && nearSplit(event->position())) {
        m_draggingSplit = true;
        return;
    }
    if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
        m_panning = true;
        m_panStart = event->position();
        m_offsetAtPanStart = m_offset;
        setCursor(Qt::ClosedHandCursor);
    }
}

void ImageView::mouseMoveEvent(QMouseEvent* event)
{
    if (m_draggingSplit) {
        setSplitPosition(event->position().x() / std::max(1, width()));
        return;
    }
    if (isComparing())
        setCursor(nearSplit(event->position()) ? Qt::SplitHCursor : Qt::ArrowCursor);
    if (m_panning) {
        m_offset = m_offsetAtPanStart + (event->position() - m_panStart);
        m_fit = false;
        clampOffset();
        emit viewChanged();
        update();
    }
    const QPointF p = widgetToImage(event->position());
    if (m_overlay)
        m_overlay->setHoveredTile(m_overlay->tileAt(p));
    const QPoint pixel(int(std::floor(p.x())), int(std::floor(p.y())));
    emit cursorPixelChanged(m_image.rect().contains(pixel) ? pixel : QPoint(-1, -1));
}

void ImageView::mouseReleaseEvent(QMouseEvent*)
{
    m_panning = false;
    m_draggingSplit = false;
    unsetCursor();
}

void ImageView::leaveEvent(QEvent*)
{
    if (m_overlay)
        m_overlay->setHoveredTile(-1);
    emit cursorPixelChanged(QPoint(-1, -1));
}

void ImageView::keyPressEvent(QKeyEvent* event)
{
    const double step = 64.0;
    QPointF delta;
    switch (event->key()) {
    case Qt::Key_Left: delta = {step, 0}; break;
    case Qt::Key_Right: delta = {-step, 0}; break;
    case Qt::Key_Up: delta = {0, step}; break;
    case Qt::Key_Down: delta = {0, -step}; break;
    default: QWidget::keyPressEvent(event); return;
    }
    m_offset += delta;
    m_fit = false;
    clampOffset();
    emit viewChanged();
    update();
}

} // namespace tessera

#pragma once
/// Turns core's float image into a QImage the screen can show.

#include "image/image.h"

#include <QImage>

namespace tessera {

/// 8-bit RGBA (premultiplied for fast painting); grey becomes RGB, values
/// outside [0, 1] are clipped.
QImage toDisplayImage(const Image& image);

/// The pixel's channel values as text for the status bar, e.g. "R 0.502 G 0.25 B 1 A 1".
QString pixelValueText(const Image& image, int x, int y);

} // namespace tessera

#include "display/display_image.h"

#include <QColor>
#include <QStringList>

#include <algorithm>
#include <cmath>

namespace tessera {

namespace {
inline int toByte(float v)
{
    if (!(v > 0.0f)) // also catches NaN
        return 0;
    return v >= 1.0f ? 255 : int(std::lround(v * 255.0f));
}
} // namespace

QImage toDisplayImage(const Image& image)
{
    QImage out(image.width(), image.height(), QImage::Format_RGBA8888);
    const int channels = image.channels();
    for (int y = 0; y < image.height(); ++y) {
        const float* in = image.row(y);
        uchar* line = out.scanLine(y);
        for (int x = 0; x < image.width(); ++x, in += channels, line += 4) {
            const bool grey = channels <= 2;
            line[0] = uchar(toByte(in[0]));
            line[1] = uchar(toByte(grey ? in[0] : in[1]));
            line[2] = uchar(toByte(grey ? in[0] : in[2]));
            line[3] = uchar(image.hasAlpha() ? toByte(in[channels - 1]) : 255);
        }
    }
    return out.convertToFormat(QImage::Format_RGBA8888_Premultiplied);
}

QString pixelValueText(const Image& image, int x, int y)
{
    static const char* rgba[] = {"R", "G", "B", "A"};
    static const char* greyAlpha[] = {"Y", "A"};
    QStringList parts;
    for (int c = 0; c < image.channels(); ++c) {
        const char* name = image.channels() <= 2 ? greyAlpha[c] : rgba[c];
        parts << QStringLiteral("%1 %2").arg(QLatin1String(name)).arg(double(image.at(x, y, c)), 0, 'g', 4);
    }
    return parts.join(QLatin1Char(' '));
}

} // namespace tessera

#include "tiling/tile_plan.h"

#include "common/error.h"
#include "common/int_math.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace tessera {

TileRect intersected(const TileRect& a, const TileRect& b)
{
    const int x = std::max(a.x, b.x);
    const int y = std::max(a.y, b.y);
    const int right = std::min(a.right(), b.right());
    const int bottom = std::min(a.bottom(), b.bottom());
    return {x, y, std::max(0, right - x), std::max(0, bottom - y)};
}

int defaultHalo(int receptiveRadius)
{
    constexpr int kHalo = 32;
    return receptiveRadius >= 0 ? std::min(kHalo, receptiveRadius) : kHalo;
}

int defaultOverlap(int tileSize)
{
    return int(std::lround(tileSize * 0.1));
}

int recommendedTileSize(int64_t memoryBytes)
{
    constexpr int64_t kGiB = int64_t(1) << 30;
    if (memoryBytes >= 64 * kGiB)
        return 2048;
    if (memoryBytes >= 24 * kGiB)
        return 1024;
    if (memoryBytes >= 8 * kGiB)
        return 512;
    // Smaller than the table: keep the pixels per byte of the 8 GB row.
    if (memoryBytes >= 2 * kGiB)
        return 256;
    return 128;
}

int reflectIndex(int index, int size)
{
    if (size <= 1)
        return 0;
    // Mirror reflection without repeating the edge has period 2 * (size - 1).
    const int period = 2 * (size - 1);
    int m = index % period;
    if (m < 0)
        m += period;
    return m < size ? m : period - m;
}

std::vector<int> tileStarts(int length, int tile, int overlap)
{
    std::vector<int> starts;
    if (length <= tile) {
        starts.push_back(0);
        return starts;
    }
    const int stride = tile - overlap;
    for (int start = 0;; start += stride) {
        if (start + tile >= length) {
            // The last tile is shifted inward so it ends at the border.
            starts.push_back(length - tile);
            break;
        }
        starts.push_back(start);
    }
    return starts;
}

std::string scaleText(ScaleRatio scale)
{
    if (scale.isInteger())
        return "x" + std::to_string(scale.num);
    return std::to_string(scale.num) + "/" + std::to_string(scale.den);
}

TilePlan::TilePlan(int width, int height, const TileSettings& settings)
    : m_width(width), m_height(height), m_settings(settings)
{
    if (width < 1 || height < 1)
        throw Error(ErrorCode::InvalidArgument,
                    "cannot tile an empty image (" + std::to_string(width) + " x "
                        + std::to_string(height) + ")");
    if (settings.tileSize < 1)
        throw Error(ErrorCode::InvalidArgument,
                    "tile size must be at least 1, not " + std::to_string(settings.tileSize));
    if (settings.scale.num < 1 || settings.scale.den < 1)
        throw Error(ErrorCode::InvalidArgument,
                    "scale must be a positive ratio, not " + std::to_string(settings.scale.num)
                        + "/" + std::to_string(settings.scale.den));
    if (settings.inputMultiple < 1)
        throw Error(ErrorCode::InvalidArgument, "input multiple must be at least 1, not "
                                                    + std::to_string(settings.inputMultiple));
    m_settings.scale = ScaleRatio(settings.scale.num, settings.scale.den);
    // Rational scales: every input coordinate lands on a multiple of den, so
    // output coordinates are exact. den == 1 leaves all values as they are.
    const int den = m_settings.scale.den;
    if (width % den != 0 || height % den != 0)
        throw Error(ErrorCode::InvalidArgument,
                    "a scale of " + scaleText(m_settings.scale) + " needs image sides that are multiples of "
                        + std::to_string(den) + ", not " + std::to_string(width) + " x "
                        + std::to_string(height) + " (pad or crop the image first)");
    m_settings.tileSize = roundUpToMultiple(settings.tileSize, den);
    if (m_settings.overlap < 0)
        m_settings.overlap = std::min(roundUpToMultiple(defaultOverlap(m_settings.tileSize), den),
                                      roundDownToMultiple(m_settings.tileSize / 2, den));
    else
        m_settings.overlap = roundUpToMultiple(m_settings.overlap, den);
    m_settings.halo = roundUpToMultiple(m_settings.halo < 0 ? defaultHalo(-1) : m_settings.halo, den);
    // Padded tiles: multiples of k for the model, of den for exact output sizes.
    m_padMultiple = leastCommonMultiple(m_settings.inputMultiple, den);
    const int multiple = m_padMultiple;
    const int tileSize = m_settings.tileSize;
    const int overlap = m_settings.overlap;
    const int halo = m_settings.halo;
    // Bands of O pixels at the end of each overlap must not reach the band of
    // the next pair; 2 * O <= S guarantees it even for the shifted last tile.
    if (2 * overlap > tileSize)
        throw Error(ErrorCode::InvalidArgument,
                    "overlap " + std::to_string(overlap) + " is more than half the tile size "
                        + std::to_string(tileSize));

    m_tileWidth = std::min(tileSize, width);
    m_tileHeight = std::min(tileSize, height);
    m_haloLeft = m_haloRight = m_haloTop = m_haloBottom = halo;
    m_haloRight += roundUpToMultiple(m_tileWidth + 2 * halo, multiple) - (m_tileWidth + 2 * halo);
    m_haloBottom += roundUpToMultiple(m_tileHeight + 2 * halo, multiple) - (m_tileHeight + 2 * halo);

    m_columnStarts = tileStarts(width, m_tileWidth, overlap);
    m_rowStarts = tileStarts(height, m_tileHeight, overlap);
    const int bandWidth = width > m_tileWidth ? overlap : 0;
    const int bandHeight = height > m_tileHeight ? overlap : 0;

    for (int r = 0; r < rows(); ++r) {
        for (int c = 0; c < columns(); ++c) {
            Tile t;
            t.index = int(m_tiles.size());
            t.row = r;
            t.column = c;
            t.area = {m_columnStarts[size_t(c)], m_rowStarts[size_t(r)], m_tileWidth, m_tileHeight};
            t.halo = {t.area.x - m_haloLeft, t.area.y - m_haloTop, paddedWidth(), paddedHeight()};
            // The band with the previous neighbour is its last O pixels.
            const int blendX = c > 0 ? m_columnStarts[size_t(c - 1)] + m_tileWidth - bandWidth : t.area.x;
            const int blendY = r > 0 ? m_rowStarts[size_t(r - 1)] + m_tileHeight - bandHeight : t.area.y;
            t.blend = {blendX, blendY, t.area.right() - blendX, t.area.bottom() - blendY};
            t.rampLeft = c > 0 ? bandWidth : 0;
            t.rampRight = c + 1 < columns() ? bandWidth : 0;
            t.rampTop = r > 0 ? bandHeight : 0;
            t.rampBottom = r + 1 < rows() ? bandHeight : 0;
            m_tiles.push_back(t);
        }
    }
}

void TilePlan::inputRowsOf(int row, int extraBottom, int* first, int* last) const
{
    const int y0 = m_rowStarts[size_t(row)] - m_haloTop;
    const int y1 = m_rowStarts[size_t(row)] + m_tileHeight + m_haloBottom + extraBottom;
    int lo = m_height;
    int hi = -1;
    // Reflection may fold halo rows onto any row of a small image: take the
    // extremes of the rows actually read.
    for (int y = y0; y < y1; ++y) {
        const int source = reflectIndex(y, m_height);
        lo = std::min(lo, source);
        hi = std::max(hi, source);
    }
    *first = lo;
    *last = hi + 1;
}

int TilePlan::outputRowsFinalAfter(int row) const
{
    if (row + 1 >= rows())
        return outputHeight();
    return m_settings.scale.toOutput(tile(row + 1, 0).blend.y);
}

TileRect TilePlan::toOutput(const TileRect& rect) const
{
    const ScaleRatio s = m_settings.scale;
    return {s.toOutput(rect.x), s.toOutput(rect.y), s.toOutput(rect.width), s.toOutput(rect.height)};
}

} // namespace tessera

#pragma once
/// The coordinate mapper of tiled inference: where every tile, its halo and its
/// blend region lie, for an image size and the tiling settings. Pure C++ (no
/// LibTorch), so the engine, the CLI and the GUI's tile overlay all draw from
/// this one implementation.
///
/// The model of tiling (DESIGN.md, "Tiling"):
/// - Slicing: the image is divided into tiles whose target area is S x S.
///   Neighbouring tiles overlap by O pixels; the last row and column are
///   shifted inward so every tile has the same shape. Along an axis shorter
///   than S there is one tile as long as the image.
/// - Halo: each tile is padded by P pixels of real neighbouring context on
///   every side; outside the image the halo is filled by reflect padding. When
///   the model needs a multiple of k, the extra pixels go to the right and
///   bottom halo.
/// - Inference runs on the padded tile; Cropping discards the output of the
///   halo (scale x P).
/// - Blending: in the overlap of two neighbours a ramp M goes from 0 to 1
///   across a band of O pixels (scale x O in the output), at the far end of
///   the overlap as seen from the first tile: result = T1 * (1 - M) + T2 * M.
///   Outside its blend region a tile has weight 0; at the image border its
///   weight is 1.
/// - Scale: a ratio num/den of output to input pixels: x4 upscale (4/1), x8
///   VAE decode (8/1), 1:1 latent tiles, /8 VAE encode (1/8). With den > 1
///   every input coordinate of the plan is a multiple of den, so its output
///   coordinate (x * num / den) is an exact integer. The rule: the image's
///   sides must be multiples of den (the plan does not pad the image; a caller
///   pads or crops to a multiple of 8 before encoding), and the tile size,
///   the overlap and the halo are rounded up to multiples of den (a default
///   overlap is capped at half the tile, rounded down to a multiple of den);
///   padded tiles are multiples of lcm(k, den). For den == 1 nothing is
///   rounded, so integer scales plan exactly as before.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

/// An axis-aligned rectangle in pixels; x and y may be negative for halos
/// that reach outside the image.
struct TileRect {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;

    int right() const { return x + width; }   ///< one past the last column
    int bottom() const { return y + height; } ///< one past the last row
    bool operator==(const TileRect&) const = default;
    bool isEmpty() const { return width <= 0 || height <= 0; } ///< no pixels
};

/// The intersection of two rectangles; width or height 0 when they are disjoint.
TileRect intersected(const TileRect& a, const TileRect& b);

/// Output pixels per input pixel as a ratio num / den: 4 (x4 upscale), 8 (x8
/// decode), 1 (latent tiles), {1, 8} (/8 encode).
struct ScaleRatio {
    int num = 1; ///< output pixels per den input pixels
    int den = 1; ///< input pixels per num output pixels

    constexpr ScaleRatio() = default;
    /// An integer factor, so that `settings.scale = 4` reads as before.
    constexpr ScaleRatio(int factor) : num(factor) {}
    /// num / den, reduced to lowest terms when both are positive (2/16 -> 1/8).
    constexpr ScaleRatio(int numerator, int denominator) : num(numerator), den(denominator)
    {
        if (num > 0 && den > 0) {
            int a = num, b = den;
            while (b != 0) {
                const int r = a % b;
                a = b;
                b = r;
            }
            num /= a;
            den /= a;
        }
    }

    /// Input pixels -> output pixels: input * num / den, exact when input is a
    /// multiple of den (every coordinate of a plan is).
    constexpr int toOutput(int input) const { return input * num / den; }
    /// True for whole-number scales (den == 1).
    constexpr bool isInteger() const { return den == 1; }
    bool operator==(const ScaleRatio&) const = default;
};

/// "x4" for integer scales, "1/8" or "3/2" otherwise (for messages and notes).
std::string scaleText(ScaleRatio scale);

/// What the user (or the auto tile size) chose. Negative values mean "default".
struct TileSettings {
    int tileSize = 512;    ///< S: target area is S x S (input pixels)
    int overlap = -1;      ///< O: input pixels shared by neighbours; -1: 10% of S
    int halo = 32;         ///< P: context pixels on every side
    ScaleRatio scale = 1;  ///< output pixels per input pixel
    int inputMultiple = 1; ///< k: padded tile sides must be multiples of k
};

/// Default halo: 32, or the model's receptive radius when it is known and smaller.
int defaultHalo(int receptiveRadius);

/// Default overlap: 10% of the tile size (rounded).
int defaultOverlap(int tileSize);

/// Recommended tile size for a memory budget in bytes (the design note's
/// table): below 24 GB 512, 24-64 GB 1024, 64 GB and more 2048; below 8 GB
/// it keeps halving (256, 128) so small devices still fit.
int recommendedTileSize(int64_t memoryBytes);

/// Maps any index onto [0, size) by mirror reflection about the first and last
/// sample without repeating them (the convention of reflection_pad2d:
/// -1 -> 1, size -> size - 2), reflecting again as often as needed when the
/// padding is wider than the image. A size of 1 maps everything to 0.
int reflectIndex(int index, int size);

/// One tile of a plan. All rectangles are in input pixels except `output*`.
struct Tile {
    int index = 0;  ///< row-major position in the plan
    int row = 0;    ///< tile row
    int column = 0; ///< tile column
    /// Target area: the S x S pixels this tile infers (inside the image).
    TileRect area;
    /// Area plus halo: what the model sees. May reach outside the image (those
    /// pixels come from reflect padding); right/bottom include the padding up
    /// to a multiple of k.
    TileRect halo;
    /// The part of `area` where this tile's blend weight is non-zero: from the
    /// start of the blend band shared with the left/top neighbour to the end
    /// of the area.
    TileRect blend;
    /// Widths of the ramp bands inside `blend` (input pixels): 0 at the image
    /// border and between tiles with zero overlap.
    int rampLeft = 0;
    int rampTop = 0;
    int rampRight = 0;
    int rampBottom = 0;
};

/// The tiles covering one image, in row-major order.
class TilePlan {
public:
    TilePlan() = default;
    /// Plans tiles for a width x height image. Negative overlap or halo in
    /// `settings` take the defaults (halo: 32). Throws Error(InvalidArgument)
    /// for empty images, tile sizes below 1, overlap above half the tile size,
    /// a scale num or den below 1, a multiple below 1, or (den > 1) image
    /// sides that are not multiples of den.
    TilePlan(int width, int height, const TileSettings& settings);

    int imageWidth() const { return m_width; }
    int imageHeight() const { return m_height; }
    int outputWidth() const { return m_settings.scale.toOutput(m_width); }
    int outputHeight() const { return m_settings.scale.toOutput(m_height); }
    /// The settings with defaults resolved and, for den > 1, the tile size,
    /// overlap and halo rounded up to multiples of den.
    const TileSettings& settings() const { return m_settings; }

    int rows() const { return int(m_rowStarts.size()); }
    int columns() const { return int(m_columnStarts.size()); }
    int tileCount() const { return rows() * columns(); }
    const std::vector<Tile>& tiles() const { return m_tiles; }
    const Tile& tile(int row, int column) const { return m_tiles[size_t(row) * columns() + column]; }

    /// Shape of every tile's area and padded (halo) input.
    int tileWidth() const { return m_tileWidth; }
    int tileHeight() const { return m_tileHeight; }
    int paddedWidth() const { return m_tileWidth + m_haloLeft + m_haloRight; }
    int paddedHeight() const { return m_tileHeight + m_haloTop + m_haloBottom; }
    /// Padded tiles are multiples of this: lcm(k, scale.den).
    int padMultiple() const { return m_padMultiple; }
    /// Halo widths (input pixels); right and bottom include the multiple-of padding.
    int haloLeft() const { return m_haloLeft; }
    int haloTop() const { return m_haloTop; }
    int haloRight() const { return m_haloRight; }
    int haloBottom() const { return m_haloBottom; }

    /// Input rows [first, last) that tile row `row` reads, after reflect
    /// padding is resolved to real image rows (for streaming the input band).
    /// `extraBottom` widens the halo (sub-tiles of a split retry).
    void inputRowsOf(int row, int extraBottom, int* first, int* last) const;
    /// Output rows that are final once tile rows 0..row are blended: rows
    /// below this index still receive tiles of row + 1.
    int outputRowsFinalAfter(int row) const;

    /// Rectangle `rect` in output pixels (every coordinate times the scale;
    /// exact for the plan's rectangles, whose coordinates are multiples of den).
    TileRect toOutput(const TileRect& rect) const;

private:
    int m_width = 0;
    int m_height = 0;
    TileSettings m_settings;
    int m_tileWidth = 0;
    int m_tileHeight = 0;
    int m_padMultiple = 1;
    int m_haloLeft = 0, m_haloTop = 0, m_haloRight = 0, m_haloBottom = 0;
    std::vector<int> m_columnStarts;
    std::vector<int> m_rowStarts;
    std::vector<Tile> m_tiles;
};

/// Start positions of tiles of length `tile` with overlap `overlap` along an
/// axis of `length` pixels: a regular stride of tile - overlap, the last one
/// shifted inward to end at `length`. One start (0) when length <= tile.
std::vector<int> tileStarts(int length, int tile, int overlap);

} // namespace tessera

// Tile plans from any settings: either a refusal, or a plan whose tiles'
// blend regions cover every pixel of the image exactly once with weight,
// lie inside it, and whose output is the scaled size.
#include "fuzz_support.h"

#include "tiling/tile_plan.h"

#include <cstdlib>
#include <vector>

namespace {

int take(const uint8_t*& data, size_t& size, int range, int offset)
{
    uint32_t value = 0;
    for (int i = 0; i < 3 && size > 0; ++i, ++data, --size)
        value = value << 8 | *data;
    return int(value % uint32_t(range)) + offset;
}

void check(bool condition)
{
    if (!condition)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace tessera;
    const int width = take(data, size, 3000, 1), height = take(data, size, 3000, 1);
    TileSettings settings;
    settings.tileSize = take(data, size, 2100, -2);
    settings.overlap = take(data, size, 1100, -2);
    settings.halo = take(data, size, 200, -2);
    settings.scale = ScaleRatio(take(data, size, 9, -1), take(data, size, 9, -1));
    settings.inputMultiple = take(data, size, 66, -1);
    return fuzz::refusalsAreErrors([&] {
        const TilePlan plan(width, height, settings);
        check(plan.tileCount() >= 1);
        // Every input pixel of a row and column is in at least one blend region.
        std::vector<int> rows(size_t(height), 0), columns(size_t(width), 0);
        for (const Tile& tile : plan.tiles()) {
            check(tile.blend.x >= 0 && tile.blend.y >= 0 && tile.blend.x + tile.blend.width <= width
                  && tile.blend.y + tile.blend.height <= height);
            for (int y = tile.blend.y; y < tile.blend.y + tile.blend.height; ++y)
                ++rows[size_t(y)];
            for (int x = tile.blend.x; x < tile.blend.x + tile.blend.width; ++x)
                ++columns[size_t(x)];
        }
        for (int count : rows)
            check(count > 0);
        for (int count : columns)
            check(count > 0);
        check(plan.outputWidth() == plan.settings().scale.toOutput(width));
    });
}

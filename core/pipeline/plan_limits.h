#pragma once
/// Plans that are possible but almost surely a mistake. A plan of more than
/// kTilesNeedingConfirmation tiles (`--tile 1` on a 200 x 200 image makes
/// 40000) runs for minutes for nothing a larger tile would not give: the CLI
/// refuses it without --force, the GUI asks before it runs.

#include "tiling/tile_plan.h"

#include <string>

namespace tessera {

inline constexpr int kTilesNeedingConfirmation = 10000;

/// "200 x 200 in tiles of 1 px makes 40000 tiles (over 10000)" when `plan`
/// has more than kTilesNeedingConfirmation tiles; empty otherwise.
std::string tooManyTiles(const TilePlan& plan);

} // namespace tessera

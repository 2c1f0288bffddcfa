#include "pipeline/plan_limits.h"

namespace tessera {

std::string tooManyTiles(const TilePlan& plan)
{
    if (plan.tileCount() <= kTilesNeedingConfirmation)
        return {};
    return std::to_string(plan.imageWidth()) + " x " + std::to_string(plan.imageHeight()) + " in tiles of "
           + std::to_string(plan.settings().tileSize) + " px makes " + std::to_string(plan.tileCount())
           + " tiles (over " + std::to_string(kTilesNeedingConfirmation) + ")";
}

} // namespace tessera

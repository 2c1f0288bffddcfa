#pragma once
/// A seam metric for tiled results: how much stronger the image changes
/// across the bands where tiles meet than elsewhere. Two tiles that disagree
/// leave a step (or a ramped step) in the band between them; a seamless
/// result changes there as much as anywhere.
///
/// g_x(x) = mean over rows and channels of (I(x) - I(x - 1))^2, the energy of
/// the horizontal gradient between columns x - 1 and x (g_y likewise for
/// rows). Border columns are those of every overlap band between horizontal
/// neighbours, [right tile's area.x, left tile's area.right()] (the cut
/// column alone when the overlap is 0); interior columns are all others.
/// The ratio is the border mean over the interior mean, over both axes: 1
/// for a seamless result. A seam shows either way: above 1 a step between
/// tiles, below 1 a blurred stripe where two disagreeing tiles are averaged
/// (a weighted mean of independent textures has less variance than each).

#include "tiling/tile_plan.h"

#include <ATen/ATen.h>

#include <cmath>

namespace tessera {

struct SeamEnergy {
    double border = 0.0;   ///< mean gradient energy in the bands where tiles meet
    double interior = 0.0; ///< mean gradient energy elsewhere
    /// border / interior; 1 when the plan has one tile.
    double ratio() const { return interior > 0.0 ? border / interior : (border > 0.0 ? 1e30 : 1.0); }
    /// |ln ratio|: 0 for a seamless result, growing with a seam of either kind.
    double strength() const { return std::abs(std::log(ratio())); }
};

/// The seam energy of `image` [C, H, W] (H, W = the plan's input size:
/// tiles in the image's pixels).
SeamEnergy seamEnergy(const at::Tensor& image, const TilePlan& plan);

} // namespace tessera

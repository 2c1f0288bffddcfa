#pragma once
/// Per-step tile blending (Mixture of Diffusers, MultiDiffusion): a denoiser
/// over a latent larger than the UNet should see at once, made of the same
/// denoiser on overlapping tiles.
///
/// At every call (every sampler step, every evaluation inside one) each tile
/// of the plan is cut from x with its halo (reflect padding outside the
/// latent), all tiles are denoised (`batch` at a time), the halo is cropped
/// from each prediction, and the predictions are blended into one x0 with
/// the plan's ramps: x0(p) = sum_t w_t(p) x0_t(p) / sum_t w_t(p). The sampler
/// then takes its step on the whole latent with one global noise field, so
/// tiles never drift apart and no seam can form: every step starts from one
/// shared latent.
///
/// Exactness: for a denoiser whose output at p depends on x within radius r
/// of p (a pixelwise or small-convolution denoiser, reflect padded at the
/// border), a halo >= r makes every tile's cropped prediction equal the
/// whole latent's prediction there, so the blend averages equal values and
/// the tiled denoiser equals the untiled one to float rounding.

#include "diffusion/sampling/denoiser.h"
#include "tiling/blend.h"
#include "tiling/tile_plan.h"

#include <functional>

namespace tessera::sd {

struct TiledDenoiserOptions {
    int batch = 1;                       ///< tiles per call of the inner denoiser
    BlendRamp ramp = BlendRamp::Gaussian; ///< the overlap's ramp
    /// Called after each batch with the tiles done and the tile count of this
    /// evaluation; may throw (Error(Cancelled)) to stop between batches.
    std::function<void(int done, int total)> tilesDone;
};

/// A denoiser over latents [B, C, h, w] with h, w = the plan's output size:
/// `inner` on the plan's tiles, blended. The plan's output coordinates are
/// latent pixels (a plan over image pixels with scale 1/8, or over the latent
/// with scale 1). A plan of one tile whose padded input is the latent itself
/// calls `inner` on x directly. Throws Error(InvalidArgument) when x does not
/// have the plan's size.
Denoiser tiledDenoiser(Denoiser inner, TilePlan plan, TiledDenoiserOptions options = {});

} // namespace tessera::sd

#pragma once
/// HyperTile's options (hypertile.h has the patch itself), torch-free so the
/// app's panels can hold them.

#include <cstdint>

namespace tessera::sd {

struct HyperTileOptions {
    int tileSize = 256; ///< tile side in pixels, 1..2048 (the latent tile is max(32, tileSize) / 8)
    int swapSize = 2;   ///< how many of the candidate tilings to pick from, 1..128
    int maxDepth = 0;   ///< deepest UNet level tiled, 0..10 (0: full latent resolution only)
    bool scaleDepth = false; ///< deeper levels use tiles 2^level times larger (in their own tokens)
    /// The VAE's mid-block attention too (latent resolution, level 0's tiles);
    /// ComfyUI leaves the VAE alone, so off by default.
    bool vae = false;
    uint64_t seed = 0;  ///< the generator of the random tilings
};

} // namespace tessera::sd

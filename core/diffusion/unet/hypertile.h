#pragma once
/// HyperTile (ComfyUI's model patch, seeds 000/001): the UNet's self-attention
/// (attn1) at the high-resolution levels attends within tiles of the token
/// grid instead of over the whole grid, which cuts the quadratic cost of
/// large images. At each self-attention whose level i <= max_depth:
///   latent_tile = max(32, tile_size) / 8,  factor = scale_depth ? 2^i : 1
///   nh = random_divisor(rows, latent_tile * factor, swap_size), nw likewise for columns
///   when nh * nw > 1:  tokens  b (nh h nw w) c -> (b nh nw) (h w) c,  attended,  restored.
/// random_divisor(value, min, options): the divisors of value that are >= min
/// (min clamped to value), their quotients value / d, the first `options` of
/// them, one picked at random (a seeded generator here, so runs reproduce).
///
/// Where we differ from ComfyUI, on purpose: ComfyUI rearranges only the
/// queries (keys and values are then cut into contiguous token runs, not the
/// queries' tiles) and, for non-square latents, swaps rows and columns (its
/// h is the width); here q, k and v all come from the same 2D tile, as in
/// HyperTile's original formulation. ComfyUI matches a level by comparing the
/// token count with the latent's area / 4^i; here the level itself decides.

#include "diffusion/unet/blocks.h"
#include "diffusion/unet/hypertile_options.h"

#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <random>

namespace tessera::sd {

class UNetModel;
class VaeModel;
struct UNetConfig;

/// ComfyUI's random_divisor, with our generator. value >= 1, minValue >= 1, maxOptions >= 1.
int64_t randomDivisor(int64_t value, int64_t minValue, int64_t maxOptions, std::mt19937_64& generator);

/// True when `options.maxDepth` reaches a level of `config` that has
/// self-attention (SDXL has none at level 0: max_depth 0 does nothing there).
bool hyperTileReachesAttention(const UNetConfig& config, const HyperTileOptions& options);

/// The tiling of one attn1 call: nh x nw tiles of tileRows x tileColumns tokens.
struct HyperTileSplit {
    int64_t nh = 1, nw = 1, tileRows = 0, tileColumns = 0;
};

/// tokens: [B, rows * columns, C] -> [B * nh * nw, tileRows * tileColumns, C]
/// (tile-major: batch, tile row, tile column).
at::Tensor splitIntoTiles(const at::Tensor& tokens, const HyperTileSplit& split);
/// The inverse: [B * nh * nw, tileRows * tileColumns, C] -> [B, rows * columns, C].
at::Tensor joinTiles(const at::Tensor& tiles, const HyperTileSplit& split);

/// The patch: holds the generator and the pending split between an attn1's
/// input and output. Make it with std::make_shared and install it with
/// apply(); the UNet then tiles every forward
/// until remove(). One HyperTile per UNet at a time; not thread-safe.
class HyperTile : public std::enable_shared_from_this<HyperTile> {
public:
    explicit HyperTile(const HyperTileOptions& options);

    /// Sets the UNet's self-attention hooks to this patch (it stays alive with them).
    void apply(UNetModel& unet);
    /// Removes the hooks (any patch's) from `unet`.
    static void remove(UNetModel& unet);
    /// Tiles the VAE's mid-block attention (encoder and decoder) as level 0
    /// of a UNet: q, k and v cut into the same nh x nw windows.
    void applyToVae(VaeModel& vae);
    /// Restores the VAE's full attention.
    static void removeFromVae(VaeModel& vae);

    /// The split of the next call at `site`: nh = nw = 1 when the level is
    /// deeper than maxDepth. Draws from the generator.
    HyperTileSplit chooseSplit(const SelfAttentionSite& site);

private:
    at::Tensor before(const at::Tensor& tokens, const SelfAttentionSite& site);
    at::Tensor after(const at::Tensor& attended);

    HyperTileOptions m_options;
    std::mt19937_64 m_generator;
    HyperTileSplit m_pending; // between before() and after() of one attn1
    bool m_split = false;
};

} // namespace tessera::sd

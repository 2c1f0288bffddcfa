#pragma once
/// Tiled VAE encoding and decoding for images whose activations do not fit
/// at once, with GroupNorm statistics shared across tiles so the tiles keep
/// one colour.
///
/// Why shared statistics: every ResnetBlock normalises its input with
/// GroupNorm, whose mean and variance are taken over the whole image. A tile
/// normalised by its own statistics (ComfyUI's tiled VAE) sees a different
/// mean and variance than the image, so each tile comes out with its own
/// colour cast and brightness. Here all tiles advance layer by layer
/// together; at every GroupNorm the per-group mean and variance are merged
/// over every tile's core (its cell of a partition of the image, so each
/// pixel counts once) and all tiles are normalised with those, exactly as
/// the whole image would be.
///
/// Decoding: post_quant_conv, conv_in and the mid block (whose attention sees
/// every latent position, and which is small: latent resolution) run on the
/// whole latent; the up path runs tile by tile. Encoding mirrors it: the down
/// path runs tile by tile over the image, the latent-resolution features are
/// assembled, and the mid block, norm_out, conv_out and quant_conv run on the
/// whole. Tiles come from a TilePlan (in latent pixels for decoding, in image
/// pixels with scale 1/8 for encoding) and are blended with its overlap ramp
/// by a TileAccumulator. With the default halo (the path's receptive radius)
/// every tile's core equals the untiled result up to rounding, so tiled and
/// whole passes agree and the blend only averages equal values; a smaller
/// halo trades exactness (seams hidden by the blend) for memory.
///
/// Memory: all tiles of one layer are kept (two layers inside a ResnetBlock),
/// which is the whole image's activation plus the halos; with
/// parkTilesOnCpu they wait in host memory and the device holds one tile's
/// activations at a time, plus the whole latent-resolution mid block and the
/// fp32 output.

#include "common/cancel.h"
#include "common/progress.h"
#include "diffusion/vae/vae.h"
#include "tiling/blend.h"

#include <ATen/ATen.h>

namespace tessera::sd {

struct TiledVaeOptions {
    int tileLatent = 64;    ///< tile side in latent pixels (8x that in the image)
    int overlapLatent = 8;  ///< latent pixels neighbouring tiles share and blend; at most tileLatent / 2
    int haloLatent = -1;    ///< context latent pixels around each tile; -1: the receptive radius (exact)
    BlendRamp ramp = BlendRamp::Smoothstep;
    bool parkTilesOnCpu = false; ///< keep tile activations in host memory between layers
};

/// The latent pixels beyond a tile that the decoder's up path (after the mid
/// block) reads, from each 3x3 convolution, upsampling and conv_out: the
/// halo that makes tiled decoding exact (13 for SD's 4 levels of 3 blocks).
int decoderReceptiveRadius(const VaeConfig& config);
/// The same for the encoder's down path (conv_in to the last level): 9 for
/// SD's 4 levels of 2 blocks.
int encoderReceptiveRadius(const VaeConfig& config);

/// VaeModel::decode() tile by tile. latent: [B, z, h, w], unscaled ->
/// [B, image channels, 8 h, 8 w] fp32 on the model's device. Checks `cancel`
/// before every tile of every layer (Error(Cancelled)) and reports each to
/// `progress` (stage "vae decode"). Falls back in precision like decode().
/// Throws Error(InvalidArgument) for impossible shapes or options.
at::Tensor decodeTiled(const VaeModel& model, const at::Tensor& latent, const TiledVaeOptions& options = {},
                       const CancelToken* cancel = nullptr, const ProgressSink* progress = nullptr);

/// VaeModel::encodeMoments() tile by tile (stage "vae encode"). image:
/// [B, image channels, H, W] in [-1, 1], H and W multiples of 8 ->
/// [B, 2 z, H / 8, W / 8] fp32 (mean, clamped log-variance).
at::Tensor encodeMomentsTiled(const VaeModel& model, const at::Tensor& image, const TiledVaeOptions& options = {},
                              const CancelToken* cancel = nullptr, const ProgressSink* progress = nullptr);

/// The mean of encodeMomentsTiled(): [B, z, H / 8, W / 8] fp32, unscaled.
at::Tensor encodeTiled(const VaeModel& model, const at::Tensor& image, const TiledVaeOptions& options = {},
                       const CancelToken* cancel = nullptr, const ProgressSink* progress = nullptr);

} // namespace tessera::sd

#pragma once
/// The KL autoencoder of SD 1.x and SDXL (CompVis ldm AutoencoderKL: Encoder,
/// Decoder, quant_conv, post_quant_conv), with modules named as the
/// checkpoint's keys (encoder.down.0.block.1.conv2, decoder.up.3.upsample.conv,
/// ...), so loadWeights(vae, store, "first_stage_model.") fills it.
///
/// Precision fallback: the SDXL VAE overflows fp16 (activations pass 65504),
/// which turns the decoded image into NaN. Every pass (encode, decode, and the
/// tiled ones in tiled_vae.h) goes through runWithOverflowFallback(): when a
/// model in fp16 or bf16 produces inf or NaN, the pass is redone by
/// overflowFallback(), a copy of the model in overflowFallbackDtype() (bf16
/// where the device has it, else fp32) built from this model's weights on
/// first need, or one the caller supplied with setOverflowFallback() (for
/// instance loaded from the file in full precision). After one fallback,
/// later passes go straight to the fallback: the SDXL VAE overflows on every
/// image, and computing each one twice would cost more than the fallback
/// precision. An fp32 model has no fallback: its result is returned as is.

#include "diffusion/nn/layers.h"
#include "diffusion/vae/vae_blocks.h"
#include "diffusion/vae/vae_config.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace tessera::sd {

/// Latent scaling of the families: the sampler's latent is encode(image) *
/// factor, and decode() takes latent / factor.
constexpr double kSd1LatentScale = 0.18215;
constexpr double kSdxlLatentScale = 0.13025;

/// ldm Encoder (double_z): conv_in; per level num_res_blocks ResnetBlocks and,
/// except at the last level, a Downsample; the mid block (block_1, attn_1,
/// block_2); norm_out, SiLU, conv_out to mean and log-variance.
class VaeEncoder : public torch::nn::Module {
public:
    VaeEncoder(const VaeConfig& config, const at::TensorOptions& options);
    /// x: [B, image channels, H, W] -> [B, 2 z, H / 8, W / 8]
    at::Tensor forward(const at::Tensor& x) const;
    /// What follows the down levels and needs the whole latent-resolution map
    /// (the mid block's attention sees every position): mid, norm_out, SiLU,
    /// conv_out. h: [B, C, h, w] -> [B, 2 z, h, w]
    at::Tensor forwardMiddleAndOut(const at::Tensor& h) const;

    struct Level {
        std::vector<std::shared_ptr<ResnetBlock>> blocks;
        std::shared_ptr<Downsample> downsample; ///< null at the last (lowest) level
    };
    std::shared_ptr<Conv2d> convIn;
    std::vector<Level> down; ///< down[0] works at the image resolution
    std::shared_ptr<ResnetBlock> midBlock1, midBlock2;
    std::shared_ptr<AttnBlock> midAttn1;
    std::shared_ptr<GroupNorm> normOut;
    std::shared_ptr<Conv2d> convOut;
};

/// ldm Decoder: conv_in; the mid block; the up levels from the lowest
/// resolution to the highest, each num_res_blocks + 1 ResnetBlocks and,
/// except at the image resolution, an Upsample; norm_out, SiLU, conv_out.
class VaeDecoder : public torch::nn::Module {
public:
    VaeDecoder(const VaeConfig& config, const at::TensorOptions& options);
    /// z: [B, z, h, w] -> [B, image channels, 8 h, 8 w]
    at::Tensor forward(const at::Tensor& z) const;
    /// conv_in and the mid block, which need the whole latent (the mid
    /// block's attention sees every position). z: [B, z, h, w] -> [B, C, h, w]
    at::Tensor forwardMiddle(const at::Tensor& z) const;

    struct Level {
        std::vector<std::shared_ptr<ResnetBlock>> blocks;
        std::shared_ptr<Upsample> upsample; ///< null at level 0 (the image resolution)
    };
    /// As ldm stores them: up[0] is the image resolution, up.back() the latent
    /// resolution; forward() runs them from up.back() down to up[0].
    std::vector<Level> up;
    std::shared_ptr<Conv2d> convIn;
    std::shared_ptr<ResnetBlock> midBlock1, midBlock2;
    std::shared_ptr<AttnBlock> midAttn1;
    std::shared_ptr<GroupNorm> normOut;
    std::shared_ptr<Conv2d> convOut;
};

/// The precision to redo an overflowing pass in: fp16 -> bf16 when `device`
/// has it (the CPU; CUDA compute capability 8.0 and newer), else fp32;
/// bf16 -> fp32. fp32 (and anything else) maps to itself.
at::ScalarType overflowFallbackDtype(at::ScalarType dtype, const c10::Device& device);

class VaeModel : public torch::nn::Module {
public:
    /// Builds the network uninitialised (loadWeights fills it); with a meta
    /// device in `options` it costs no memory.
    VaeModel(const VaeConfig& config, const at::TensorOptions& options);

    const VaeConfig& config() const { return m_config; }
    /// The mid-block attention of the encoder and the decoder (AttnBlock::setAttention).
    void setMidAttention(const AttnBlock::TokenAttention& attention);
    /// The dtype and device of the parameters (after any to()).
    at::ScalarType dtype() const;
    c10::Device device() const;

    /// image: [B, image channels, H, W] in [-1, 1], H and W multiples of 8
    /// -> [B, 2 z, H / 8, W / 8] fp32: the mean and the log-variance (clamped
    /// to [-30, 20], as ldm's DiagonalGaussianDistribution does), unscaled.
    /// Any dtype and device in; computed on the model's. Throws
    /// Error(InvalidArgument) for other shapes.
    at::Tensor encodeMoments(const at::Tensor& image) const;
    /// The mean of encodeMoments(): [B, z, H / 8, W / 8] fp32, unscaled
    /// (multiply by the family's kSd1LatentScale / kSdxlLatentScale).
    at::Tensor encode(const at::Tensor& image) const;
    /// latent: [B, z, h, w], unscaled (divided by the family's factor)
    /// -> [B, image channels, 8 h, 8 w] fp32, about [-1, 1] (not clamped).
    /// Throws Error(InvalidArgument) for other shapes.
    at::Tensor decode(const at::Tensor& latent) const;

    /// quant_conv and the log-variance clamp of encodeMoments(), on the
    /// encoder's output. encoded: [B, 2 z, h, w] -> [B, 2 z, h, w] fp32
    at::Tensor momentsOf(const at::Tensor& encoded) const;

    /// Throw Error(InvalidArgument) unless `image` is [B, image channels, H, W]
    /// with H and W positive multiples of config().downscale(), or `latent`
    /// is [B, z, h, w] with h, w >= 1.
    void checkImage(const at::Tensor& image) const;
    void checkLatent(const at::Tensor& latent) const;

    /// Runs pass(*this); when this model is fp16 or bf16 and the result holds
    /// inf or NaN, returns pass(*overflowFallback()) instead (which may fall
    /// back once more: fp16 -> bf16 -> fp32), and from then on goes to the
    /// fallback directly. The pass must return its result in fp32.
    at::Tensor runWithOverflowFallback(const std::function<at::Tensor(const VaeModel&)>& pass) const;
    /// The model overflowing passes are redone by: the one given to
    /// setOverflowFallback(), else a copy of this model in
    /// overflowFallbackDtype(), built on the first call. Null for fp32 models.
    std::shared_ptr<const VaeModel> overflowFallback() const;
    /// Uses `fallback` (same config, on the same device) for overflowing passes.
    void setOverflowFallback(std::shared_ptr<const VaeModel> fallback);
    /// True once a pass has fallen back (later ones go to the fallback directly).
    bool fellBack() const { return m_fellBack.load(); }

    std::shared_ptr<VaeEncoder> encoder;
    std::shared_ptr<VaeDecoder> decoder;
    std::shared_ptr<Conv2d> quantConv;     ///< 2 z -> 2 z, 1x1
    std::shared_ptr<Conv2d> postQuantConv; ///< z -> z, 1x1

private:
    VaeConfig m_config;
    mutable std::mutex m_fallbackMutex;
    mutable std::shared_ptr<const VaeModel> m_fallback;
    mutable std::atomic<bool> m_fellBack{false};
};

} // namespace tessera::sd

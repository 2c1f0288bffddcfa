#pragma once
/// The denoising UNet of SD 1.x (CompVis ldm UNetModel, v1-inference.yaml)
/// and SDXL base / refiner (Stability sgm UNetModel, sd_xl_base.yaml /
/// sd_xl_refiner.yaml), built from a UNetConfig. Module names are the
/// checkpoint keys below "model.diffusion_model." (input_blocks.1.1.
/// transformer_blocks.0.attn1.to_q.weight, ...), so loadWeights() with that
/// prefix fills it.

#include "diffusion/unet/blocks.h"
#include "diffusion/unet/unet_config.h"
#include "diffusion/unet/unet_graphs.h"

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tessera::sd {

class UNetModel : public torch::nn::Module {
public:
    /// Allocates every parameter uninitialised with `options` (dtype, device;
    /// at::kMeta for a layout check without memory).
    UNetModel(const UNetConfig& config, const at::TensorOptions& options);

    /// The predicted noise (eps) for latents `x` at `timesteps`.
    /// x: [B, in, h, w], any h and w (each downsampling rounds up, each
    /// upsampling meets its skip's size, as ComfyUI's UNet); timesteps:
    /// [B] (fractional allowed); context: [B, N, contextDim]; y: [B, adm] for
    /// SDXL, undefined for SD 1.x -> [B, out, h, w] in the parameters' dtype.
    /// Inputs are cast to the parameters' dtype and device. Throws
    /// Error(InvalidArgument) for shapes the network cannot take.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& timesteps, const at::Tensor& context,
                       const at::Tensor& y) const;

    /// Hooks around every self-attention (attn1) from the next forward() on;
    /// empty functions remove them.
    void setSelfAttentionHooks(SelfAttentionHook before, SelfAttentionHook after);

    /// Called before every stage (input block, middle block, output block) of
    /// the next forward() calls; throw from it (Error(Cancelled)) to stop a
    /// long step of a large latent. An empty function removes it.
    void setStageCheck(std::function<void()> check) { m_stageCheck = std::move(check); }

    /// CUDA graphs for the next forward() calls on a CUDA device, one per
    /// input shape, at most `capacity` (unet_graphs.h); 0 turns them off and
    /// frees their memory. While self-attention hooks are set (HyperTile
    /// draws its tiles per call) forward() runs eagerly; the stage check runs
    /// once before each replay, so a cancel lands between steps.
    void setGraphCapacity(int capacity);
    /// The graphs' state: how many shapes hold one, and why they were turned
    /// off (empty while they work or when they are not set).
    int graphCount() const { return m_graphs ? m_graphs->graphCount() : 0; }
    std::string graphFailure() const { return m_graphs ? m_graphs->failure() : std::string(); }

    const UNetConfig& config() const { return m_config; }

private:
    /// One entry of input_blocks / middle_block / output_blocks: the modules
    /// it holds, applied in this order (those present).
    struct Stage {
        std::shared_ptr<Conv2d> conv; // input_blocks.0 only
        std::shared_ptr<UNetResBlock> res;
        std::shared_ptr<SpatialTransformer> transformer;
        std::shared_ptr<UNetResBlock> secondRes; // middle_block.2 only
        std::shared_ptr<UNetDownsample> down;
        std::shared_ptr<UNetUpsample> up;
    };
    /// upsampleTo: the height and width the stage's upsampling (if any) produces.
    at::Tensor runStage(const Stage& stage, at::Tensor h, const at::Tensor& emb, const at::Tensor& context,
                        std::array<int64_t, 2> upsampleTo = {0, 0}) const;
    void checkInputs(const at::Tensor& x, const at::Tensor& timesteps, const at::Tensor& context,
                     const at::Tensor& y) const;
    at::Tensor forwardEagerly(const at::Tensor& x, const at::Tensor& timesteps, const at::Tensor& context,
                              const at::Tensor& y) const;

    UNetConfig m_config;
    std::shared_ptr<Linear> m_timeEmbedIn, m_timeEmbedOut;
    std::shared_ptr<Linear> m_labelEmbedIn, m_labelEmbedOut; // SDXL
    std::vector<Stage> m_inputStages;
    Stage m_middleStage;
    std::vector<Stage> m_outputStages;
    std::shared_ptr<GroupNorm> m_outNorm;
    std::shared_ptr<Conv2d> m_outConv;
    SelfAttentionHooks m_hooks;
    std::function<void()> m_stageCheck;
    std::unique_ptr<UNetGraphCache> m_graphs; ///< set by setGraphCapacity; replays change only its state
};

} // namespace tessera::sd

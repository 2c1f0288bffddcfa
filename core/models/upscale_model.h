#pragma once
/// A loaded upscale model, whatever file it came from (.pth, .safetensors,
/// ncnn .param/.bin), ready to run on a device. This is what the tiled runner,
/// the CLI and the UI bridge hold.

#include "common/device.h"

#include <ATen/ATen.h>

#include <memory>
#include <string>

namespace tessera {

/// What detection learned about a model: enough to plan tiles and to describe
/// the model to a person.
struct ModelInfo {
    std::string name;          ///< file name without folder
    std::string architecture;  ///< "ESRGAN", "SRVGGNetCompact", "OmniSR", "ncnn", ...
    int scale = 1;             ///< output size / input size
    int inChannels = 3;
    int outChannels = 3;
    int64_t parameterCount = 0;
    int inputMultiple = 1;     ///< input width and height must be multiples of this
    int receptiveRadius = -1;  ///< pixels of context that influence an output pixel; -1 unknown
    bool fp16Safe = true;      ///< fp16 gives finite, close outputs
    bool bf16Safe = true;
    std::string details;       ///< hyper-parameters as text ("nf=64 nb=23")
};

class UpscaleModel {
public:
    virtual ~UpscaleModel() = default;

    const ModelInfo& info() const { return m_info; }

    /// Moves the weights to `device` at `precision` (the first call after
    /// loading places them; fp32 on the CPU).
    virtual void to(const DeviceSpec& device, Precision precision) = 0;

    /// x: [N, inChannels, H, W] float in [0, 1] on the model's device and dtype,
    /// H and W multiples of inputMultiple.
    /// returns [N, outChannels, H * scale, W * scale].
    virtual at::Tensor forward(const at::Tensor& x) = 0;

protected:
    ModelInfo m_info;
};

/// Loads any supported model file: .pth/.pt/.ckpt (zip or legacy pickle,
/// read by the restricted unpickler), .safetensors, or an ncnn .param with its
/// .bin beside it. The weights stay on the CPU in fp32 until to() is called.
/// Throws Error(InvalidModel) for corrupt or unsafe files and
/// Error(UnsupportedModel) for state dicts of unknown architectures.
std::unique_ptr<UpscaleModel> loadUpscaleModel(const std::string& path);

} // namespace tessera

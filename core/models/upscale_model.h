#pragma once
/// A loaded upscale model, whatever file it came from (.pth, .safetensors,
/// ncnn .param/.bin), ready to run on a device. This is what the tiled runner,
/// the CLI and the UI bridge hold.

#include "common/device.h"
#include "models/model_info.h"

#include <ATen/ATen.h>

#include <memory>
#include <string>

namespace tessera {

class UpscaleModel {
public:
    virtual ~UpscaleModel() = default;

    const ModelInfo& info() const { return m_info; }

    /// Moves the weights to `device` at `precision` (the first call after
    /// loading places them; fp32 on the CPU).
    virtual void to(const DeviceSpec& device, Precision precision) = 0;

    /// x: [N, inChannels, H, W] float in [0, 1] on the model's device (any
    /// float dtype: the model casts), H and W multiples of inputMultiple.
    /// returns [N, outChannels, H * scale, W * scale] in the dtype the model
    /// computed in: fp16 or bf16 on CUDA when asked for and safe, else
    /// float32 (always on the CPU). Callers cast where they need float32; the
    /// tile accumulator reads fp16 as it is. Never NaN or infinite
    /// (finite_output.h).
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

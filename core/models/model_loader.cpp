#include "models/upscale_model.h"

#include "common/error.h"
#include "common/convolution_format.h"
#include "common/torch_compat.h"
#include "models/arch/arch.h"
#include "models/detect.h"
#include "models/finite_output.h"
#include "models/ncnn/ncnn_model.h"
#include "models/load_weights.h"
#include "models/loaders/weight_store.h"

#include <c10/util/Exception.h>

#include <filesystem>

namespace tessera {
namespace {

/// A torch network built from a state dict. Runs under the caller's
/// InferenceMode. Half precision has a safety net (finite_output.h): when an
/// fp16/bf16 forward produces NaN or inf, the network is cast to fp32 for good
/// and the tile is computed again, so a model that overflows in half precision
/// still gives a correct (slower) result. fp16/bf16 are used only on CUDA and
/// only where the architecture reports them safe; on the CPU the network
/// stays fp32.
class TorchUpscaleModel : public UpscaleModel {
public:
    TorchUpscaleModel(ModelInfo info, std::shared_ptr<ArchNetwork> net) : m_net(std::move(net))
    {
        m_info = std::move(info);
        m_net->eval();
    }

    void to(const DeviceSpec& device, Precision precision) override
    {
        at::ScalarType dtype = toTorchDtype(precision);
        if (device.kind == DeviceKind::Cpu)
            dtype = at::kFloat; // CPU kernels for half types are slow or missing
        if ((dtype == at::kHalf && !m_info.fp16Safe) || (dtype == at::kBFloat16 && !m_info.bf16Safe))
            dtype = at::kFloat;
        if (m_fellBack)
            dtype = at::kFloat;
        const c10::Device torchDevice = toTorchDevice(device);
        m_net->to(torchDevice, dtype);
        m_dtype = dtype;
        if (torchDevice.is_cuda()) {
            // Convolution weights in the input's memory format, or cuDNN
            // converts them at every call.
            at::NoGradGuard noGrad;
            for (at::Tensor& p : m_net->parameters())
                p.set_data(inConvolutionFormat(p));
            setConvolutionAutotuning(true);
        }
    }

    // x: [N, C, H, W] -> [N, C, H * scale, W * scale], in the model's dtype (upscale_model.h)
    at::Tensor forward(const at::Tensor& x) override
    {
        try {
            const int64_t h = x.size(2), w = x.size(3), multiple = m_info.inputMultiple;
            at::Tensor input = inConvolutionFormat(x.to(m_dtype));
            // Pad up to the input multiple (callers normally send multiples already).
            const int64_t padH = (multiple - h % multiple) % multiple, padW = (multiple - w % multiple) % multiple;
            if (padH || padW)
                input = at::pad(input, {0, padW, 0, padH}, padH < h && padW < w ? "reflect" : "replicate");
            at::Tensor y = finiteModelOutput(
                m_info.name, m_dtype, [&](at::ScalarType dtype) { return m_net->forward(input.to(dtype)); },
                [&] {
                    m_net->to(at::kFloat);
                    m_fellBack = true;
                });
            if (padH || padW)
                y = y.slice(2, 0, h * m_info.scale).slice(3, 0, w * m_info.scale);
            return y;
        } catch (const c10::Error& e) {
            if (isOutOfMemory(e))
                throw Error(ErrorCode::OutOfMemory, m_info.name + ": out of memory running the model: " + e.what_without_backtrace());
            throw;
        }
    }

private:
    std::shared_ptr<ArchNetwork> m_net;
    at::ScalarType m_dtype = at::kFloat;
    bool m_fellBack = false;
};

bool endsWith(const std::string& text, const std::string& suffix)
{
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

std::unique_ptr<UpscaleModel> loadUpscaleModel(const std::string& path)
{
    if (endsWith(path, ".param"))
        return loadNcnnModel(path);
    const std::unique_ptr<WeightStore> weights = openWeightStore(path);
    ModelInfo info;
    std::shared_ptr<ArchNetwork> net;
    try {
        const ArchDescriptor& arch = detectArchitecture(*weights, info);
        net = arch.build(*weights);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::UnsupportedModel)
            throw Error(e.code(), path + ": " + e.what());
        throw;
    }
    // The network is fp32 on the CPU: fp16 and bf16 files are widened tensor by
    // tensor on the way in; to() later casts and moves it as a whole.
    loadWeights(*net, *weights, "", LoadMode::Strict, "the detected " + info.architecture + " network");
    info.name = std::filesystem::path(path).filename().string();
    return std::make_unique<TorchUpscaleModel>(std::move(info), std::move(net));
}

} // namespace tessera

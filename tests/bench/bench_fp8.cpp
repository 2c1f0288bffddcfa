#include "bench_fp8.h"

#include "bench_models.h"
#include "common/torch_compat.h"
#include "models/bias_activation.h"

#include <c10/core/InferenceMode.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <string>

namespace tessera::bench {

void compareFp8Convolution(const DeviceSpec& device, int side)
{
    if (!fp8ConvolutionsBuilt() || device.kind != DeviceKind::Cuda) {
        std::printf("fp8 convolution: not in this build (needs LibTorch 2.1+ and cuDNN 9) or not on CUDA\n");
        return;
    }
#if TESSERA_HAVE_FLOAT8
    c10::InferenceMode inference;
    const auto options = at::TensorOptions().device(toTorchDevice(device));
    at::manual_seed(7);
    // Features as a middle layer sees them (PReLU outputs, mostly below 4);
    // weights at a trained 3x3 layer's scale (He: std sqrt(2 / (64 * 9))).
    const at::Tensor x = (at::randn({1, 64, side, side}, options) * 1.5)
                             .to(at::kHalf)
                             .contiguous(at::MemoryFormat::ChannelsLast);
    const at::Tensor weight = (at::randn({64, 64, 3, 3}, options) * std::sqrt(2.0 / 576.0)).to(at::kHalf);
    const at::Tensor bias = (at::randn({64}, options) * 0.1).to(at::kHalf);
    Activation prelu;
    prelu.kind = Activation::Kind::PRelu;
    prelu.slopes = (at::rand({64}, options) * 0.3).to(at::kHalf);
    const std::vector<int64_t> stride{1, 1}, padding{1, 1}, dilation{1, 1};

    // The reference: fp32 on the fp16 inputs.
    const at::Tensor reference =
        at::prelu(at::conv2d(x.to(at::kFloat), weight.to(at::kFloat), bias.to(at::kFloat), stride, padding),
                  prelu.slopes.to(at::kFloat));
    const double referenceRms = reference.pow(2).mean().sqrt().item<double>();
    auto errors = [&](const at::Tensor& y) {
        const at::Tensor difference = y.to(at::kFloat) - reference;
        return std::pair{difference.abs().max().item<double>(), difference.pow(2).mean().sqrt().item<double>() / referenceRms};
    };
    auto half = [&] { return convolutionBiasActivation(x, weight, bias, stride, padding, dilation, 1, prelu); };
    const Fp8Weights quantized = quantizeFp8Weights(weight);
    const at::Tensor x8 = x.to(at::kFloat8_e4m3fn);
    auto fp8To = [&](at::ScalarType out) {
        return [&, out] { return convolutionBiasActivationFp8(x8, quantized, bias, stride, padding, dilation, prelu, out); };
    };
    struct Row {
        const char* name;
        std::function<at::Tensor()> run;
    };
    const Row rows[] = {{"fp16", half}, {"fp8 -> fp16", fp8To(at::kHalf)}, {"fp8 -> fp8", fp8To(at::kFloat8_e4m3fn)}};
    double halfMs = 0.0;
    for (const Row& row : rows) {
        const at::Tensor y = row.run(); // builds and times its plan first
        const double ms = medianMilliseconds(device, 20, [&] { row.run(); });
        if (halfMs == 0.0)
            halfMs = ms;
        const auto [largest, relativeRms] = errors(y);
        std::printf("fp8 convolution, 64->64 3x3 + bias + PReLU on 1x%dx%d, %s: %.3f ms (%.2fx fp16), max |error| "
                    "%.3g, RMS error %.3g of the output's RMS\n",
                    side, side, row.name, ms, halfMs / ms, largest, relativeRms);
    }
    for (const std::string& line : convolutionGraphReport())
        if (line.find(" fp8") != std::string::npos)
            std::printf("  %s\n", line.c_str());
    // Fed only its own quantized inputs, the FP8 plan's error is the output's
    // rounding alone: x8 and the dequantized weights in fp32.
    const at::Tensor weightBack = quantized.values.to(at::kFloat) * quantized.descale.view({-1, 1, 1, 1});
    const at::Tensor exact = at::prelu(at::conv2d(x8.to(at::kFloat), weightBack, bias.to(at::kFloat), stride, padding),
                                       prelu.slopes.to(at::kFloat));
    const at::Tensor y = fp8To(at::kHalf)();
    std::printf("fp8 convolution against fp32 on the same FP8 inputs: max |difference| %.3g (the plan itself)\n",
                (y.to(at::kFloat) - exact).abs().max().item<double>());
#else
    (void)side;
#endif
}

} // namespace tessera::bench

// Real-CUGAN (bilibili AI lab, 2022): UpCunet2x, UpCunet3x, UpCunet4x, their
// "pro" variants and UpCunet2x_fast (community "ShuffleCUGAN").
//
// Two cascaded U-Nets built only from unpadded ("valid") convolutions:
//  - unet1 works at the input resolution, down-samples once (2x2 stride-2
//    conv) and ends in a transposed conv that up-scales by 2 (by 3 for 3x);
//  - unet2 works at that up-scaled resolution, down-samples twice and ends
//    in a plain 3x3 conv; its output is added to unet1's output cropped by 20.
// Skip connections crop the earlier features (4 or 16 px) to the size the
// valid convs left. Squeeze-excitation blocks (seblock) gate channels by the
// features' spatial mean, so every output pixel depends weakly on the whole
// input: tiles differ slightly from a whole-image run.
// The 4x model runs unet1/unet2 with 64 channels and ends in conv_final,
// a 1 px crop and a pixel shuffle by 2, plus the nearest-upscaled input.
// The fast 2x model pixel-unshuffles the input by 2 first (12 channels in).
//
// The valid convs consume a fixed border, which the reference restores by
// reflect-padding the input (18 px for 2x, 14 for 3x, 19 for 4x, 38 for fast
// 2x) and rounding the size up to a multiple (2, 4, 2, 4) that the strided
// convs divide evenly; the output is cropped back to scale x input.
// Pro checkpoints carry a "pro" tensor; they take x * 0.7 + 0.15 and give
// back (y - 0.15) / 0.7.
//
// Keys: unet1.conv1.conv.0 / .conv.2, unet1.conv1_down, unet1.conv2.conv.0 /
// .conv.2, unet1.conv2.seblock.conv1 / .conv2, unet1.conv2_up, unet1.conv3,
// unet1.conv_bottom; unet2.conv1..conv4 (conv2..conv4 with seblock),
// unet2.conv1_down, unet2.conv2_down, unet2.conv3_up, unet2.conv4_up,
// unet2.conv5, unet2.conv_bottom; 4x / fast: conv_final; pro: pro.

#include "models/arch/arch.h"

#include "common/cancel_scope.h"
#include "common/error.h"

#include <torch/nn/modules/conv.h>

#include <algorithm>

namespace tessera {
namespace {

constexpr double kSlope = 0.1;

enum class CuganKind { Up2x, Up3x, Up4x, Fast2x };

struct CuganConfig {
    CuganKind kind = CuganKind::Up2x;
    int scale = 2;
    int64_t inChannels = 3, outChannels = 3;
    int64_t unetChannels = 3; ///< channels between unet1 and unet2 (3, or 64 for 4x / fast)
    bool pro = false;
    std::vector<int64_t> proShape; ///< the marker tensor's shape, kept so strict loading finds it
    int pad = 18;             ///< reflect padding on every side before the U-Nets
    int multiple = 2;         ///< the input is rounded up to a multiple of this
};

const char* kindName(CuganKind kind)
{
    switch (kind) {
    case CuganKind::Up2x: return "UpCunet2x";
    case CuganKind::Up3x: return "UpCunet3x";
    case CuganKind::Up4x: return "UpCunet4x";
    case CuganKind::Fast2x: return "UpCunet2x_fast";
    }
    return "UpCunet";
}

CuganConfig readConfig(const WeightStore& sd)
{
    CuganConfig c;
    c.pro = hasKey(sd, "pro");
    if (c.pro)
        c.proShape = tensorAt(sd, "pro").shape;
    const int64_t firstIn = tensorAt(sd, "unet1.conv1.conv.0.weight", 4).size(1);
    // ConvTranspose2d weights are [in, out, k, k].
    const TensorInfo& bottom1 = tensorAt(sd, "unet1.conv_bottom.weight", 4);
    c.unetChannels = bottom1.size(1);
    if (hasKey(sd, "conv_final.weight")) {
        const int64_t finalOut = tensorAt(sd, "conv_final.weight", 4).size(0);
        if (finalOut % 4 != 0)
            throw Error(ErrorCode::UnsupportedModel, "Real-CUGAN conv_final has " + std::to_string(finalOut)
                                                         + " outputs, not channels x 4");
        c.outChannels = finalOut / 4;
        if (firstIn == 4 * c.outChannels) {
            c.kind = CuganKind::Fast2x;
            c.scale = 2;
            c.inChannels = c.outChannels;
            c.pad = 38;
            c.multiple = 4;
        } else {
            c.kind = CuganKind::Up4x;
            c.scale = 4;
            c.inChannels = firstIn;
            c.pad = 19;
            c.multiple = 2;
        }
        // Both add the nearest-upscaled input to the shuffled output.
        if (c.inChannels != c.outChannels)
            throw Error(ErrorCode::UnsupportedModel, std::string("Real-CUGAN ") + kindName(c.kind) + " with "
                                                         + std::to_string(c.inChannels) + " input but "
                                                         + std::to_string(c.outChannels) + " output channels");
    } else {
        c.inChannels = firstIn;
        c.outChannels = tensorAt(sd, "unet2.conv_bottom.weight", 4).size(0);
        const int64_t kernel = bottom1.size(2);
        if (kernel == 4) {
            c.kind = CuganKind::Up2x;
            c.scale = 2;
            c.pad = 18;
            c.multiple = 2;
        } else if (kernel == 5) {
            c.kind = CuganKind::Up3x;
            c.scale = 3;
            c.pad = 14;
            c.multiple = 4;
        } else {
            throw Error(ErrorCode::UnsupportedModel, "Real-CUGAN unet1.conv_bottom has a " + std::to_string(kernel)
                                                         + "x" + std::to_string(kernel)
                                                         + " kernel; expected 4 (2x) or 5 (3x)");
        }
    }
    return c;
}

torch::nn::Conv2d validConv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1)
{
    return makeConv(in, out, kernel, true, 1, stride, 0);
}

torch::nn::ConvTranspose2d transposedConv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding)
{
    return torch::nn::ConvTranspose2d(
        torch::nn::ConvTranspose2dOptions(in, out, kernel).stride(stride).padding(padding));
}

// Removes `border` pixels from every side (the reference's negative F.pad).
at::Tensor cropBorder(const at::Tensor& x, int64_t border)
{
    return x.narrow(2, border, x.size(2) - 2 * border).narrow(3, border, x.size(3) - 2 * border);
}

// Reflect padding that also works when a pad reaches past the opposite edge
// (tiny tiles): reflect in steps of at most side - 1, and replicate a single
// pixel. For the usual sizes this is one reflection_pad2d, as in the reference.
at::Tensor reflectPad(at::Tensor x, int64_t left, int64_t right, int64_t top, int64_t bottom)
{
    while (left > 0 || right > 0 || top > 0 || bottom > 0) {
        const int64_t maxH = x.size(2) - 1, maxW = x.size(3) - 1;
        if (maxH == 0 || maxW == 0)
            return at::replication_pad2d(x, {left, right, top, bottom});
        const int64_t l = std::min(left, maxW), r = std::min(right, maxW);
        const int64_t t = std::min(top, maxH), b = std::min(bottom, maxH);
        x = at::reflection_pad2d(x, {l, r, t, b});
        left -= l, right -= r, top -= t, bottom -= b;
    }
    return x;
}

/// Squeeze-excitation: a per-channel gate from the spatial mean.
class SeBlock : public torch::nn::Module {
public:
    explicit SeBlock(int64_t channels)
    {
        m_conv1 = registerAt(*this, "conv1", validConv(channels, channels / 8, 1));
        m_conv2 = registerAt(*this, "conv2", validConv(channels / 8, channels, 1));
    }
    // x: [N, C, H, W] -> [N, C, H, W]
    at::Tensor forward(const at::Tensor& x)
    {
        // The mean of a large half-precision tile is accumulated in fp32, as
        // the reference does, so it neither overflows nor loses precision.
        const at::Tensor mean = x.to(at::kFloat).mean({2, 3}, true).to(x.scalar_type()); // [N, C, 1, 1]
        const at::Tensor gate = m_conv2->forward(at::relu(m_conv1->forward(mean))).sigmoid();
        return x * gate;
    }

private:
    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr};
};

/// Two valid 3x3 convs with LeakyReLU(0.1), optionally squeeze-excited.
class UNetConv : public torch::nn::Module {
public:
    UNetConv(int64_t in, int64_t mid, int64_t out, bool se)
    {
        m_conv0 = registerAt(*this, "conv.0", validConv(in, mid, 3));
        m_conv2 = registerAt(*this, "conv.2", validConv(mid, out, 3));
        if (se)
            m_se = register_module("seblock", std::make_shared<SeBlock>(out));
    }
    // x: [N, in, H, W] -> [N, out, H - 4, W - 4]
    at::Tensor forward(const at::Tensor& x)
    {
        throwIfCurrentCancelled();
        at::Tensor z = at::leaky_relu(m_conv0->forward(x), kSlope);
        z = at::leaky_relu(m_conv2->forward(z), kSlope);
        return m_se ? m_se->forward(z) : z;
    }

private:
    torch::nn::Conv2d m_conv0{nullptr}, m_conv2{nullptr};
    std::shared_ptr<SeBlock> m_se;
};

/// The first U-Net: one down-sampling level, up-scaling transposed conv at the end.
class UNet1 : public torch::nn::Module {
public:
    /// upscale 2: conv_bottom is ConvTranspose2d(k 4, stride 2, pad 3); 3: (k 5, stride 3, pad 2).
    UNet1(int64_t in, int64_t out, int upscale)
    {
        m_conv1 = register_module("conv1", std::make_shared<UNetConv>(in, 32, 64, false));
        m_conv1Down = registerAt(*this, "conv1_down", validConv(64, 64, 2, 2));
        m_conv2 = register_module("conv2", std::make_shared<UNetConv>(64, 128, 64, true));
        m_conv2Up = registerAt(*this, "conv2_up", transposedConv(64, 64, 2, 2, 0));
        m_conv3 = registerAt(*this, "conv3", validConv(64, 64, 3));
        m_bottom = registerAt(*this, "conv_bottom",
                              upscale == 3 ? transposedConv(64, out, 5, 3, 2) : transposedConv(64, out, 4, 2, 3));
    }
    // x: [N, in, H, W], H and W even -> 2x: [N, out, 2H - 32, 2W - 32]; 3x: [N, out, 3H - 44, 3W - 44]
    at::Tensor forward(const at::Tensor& x)
    {
        const at::Tensor x1 = m_conv1->forward(x);                                      // [N, 64, H - 4, W - 4]
        at::Tensor x2 = at::leaky_relu(m_conv1Down->forward(x1), kSlope);               // [N, 64, (H - 4) / 2, ...]
        x2 = m_conv2->forward(x2);                                                      // [N, 64, (H - 12) / 2, ...]
        x2 = at::leaky_relu(m_conv2Up->forward(x2), kSlope);                            // [N, 64, H - 12, W - 12]
        const at::Tensor x3 = at::leaky_relu(m_conv3->forward(cropBorder(x1, 4) + x2), kSlope); // [N, 64, H - 14, W - 14]
        return m_bottom->forward(x3);
    }

private:
    std::shared_ptr<UNetConv> m_conv1, m_conv2;
    torch::nn::Conv2d m_conv1Down{nullptr}, m_conv3{nullptr};
    torch::nn::ConvTranspose2d m_conv2Up{nullptr}, m_bottom{nullptr};
};

/// The second U-Net: two down-sampling levels, same size out as in minus 40.
class UNet2 : public torch::nn::Module {
public:
    UNet2(int64_t in, int64_t out)
    {
        m_conv1 = register_module("conv1", std::make_shared<UNetConv>(in, 32, 64, false));
        m_conv1Down = registerAt(*this, "conv1_down", validConv(64, 64, 2, 2));
        m_conv2 = register_module("conv2", std::make_shared<UNetConv>(64, 64, 128, true));
        m_conv2Down = registerAt(*this, "conv2_down", validConv(128, 128, 2, 2));
        m_conv3 = register_module("conv3", std::make_shared<UNetConv>(128, 256, 128, true));
        m_conv3Up = registerAt(*this, "conv3_up", transposedConv(128, 128, 2, 2, 0));
        m_conv4 = register_module("conv4", std::make_shared<UNetConv>(128, 64, 64, true));
        m_conv4Up = registerAt(*this, "conv4_up", transposedConv(64, 64, 2, 2, 0));
        m_conv5 = registerAt(*this, "conv5", validConv(64, 64, 3));
        m_bottom = registerAt(*this, "conv_bottom", validConv(64, out, 3));
    }
    // x: [N, in, M, M'], M and M' multiples of 4 -> [N, out, M - 40, M' - 40]
    at::Tensor forward(const at::Tensor& x)
    {
        const at::Tensor x1 = m_conv1->forward(x);                                   // [N, 64, M - 4]
        at::Tensor x2 = at::leaky_relu(m_conv1Down->forward(x1), kSlope);            // [N, 64, (M - 4) / 2]
        x2 = m_conv2->forward(x2);                                                   // [N, 128, (M - 12) / 2]
        at::Tensor x3 = at::leaky_relu(m_conv2Down->forward(x2), kSlope);            // [N, 128, (M - 12) / 4]
        x3 = m_conv3->forward(x3);                                                   // [N, 128, (M - 28) / 4]
        x3 = at::leaky_relu(m_conv3Up->forward(x3), kSlope);                         // [N, 128, (M - 28) / 2]
        at::Tensor x4 = m_conv4->forward(cropBorder(x2, 4) + x3);                    // [N, 64, (M - 36) / 2]
        x4 = at::leaky_relu(m_conv4Up->forward(x4), kSlope);                         // [N, 64, M - 36]
        const at::Tensor x5 = at::leaky_relu(m_conv5->forward(cropBorder(x1, 16) + x4), kSlope); // [N, 64, M - 38]
        return m_bottom->forward(x5);                                                // [N, out, M - 40]
    }

private:
    std::shared_ptr<UNetConv> m_conv1, m_conv2, m_conv3, m_conv4;
    torch::nn::Conv2d m_conv1Down{nullptr}, m_conv2Down{nullptr}, m_conv5{nullptr}, m_bottom{nullptr};
    torch::nn::ConvTranspose2d m_conv3Up{nullptr}, m_conv4Up{nullptr};
};

class RealCuganNet : public ArchNetwork {
public:
    explicit RealCuganNet(const CuganConfig& c) : m_config(c)
    {
        if (c.pro)
            register_buffer("pro", at::zeros(c.proShape)); // a marker; its value is unused
        const int64_t unet1In = c.kind == CuganKind::Fast2x ? 4 * c.inChannels : c.inChannels;
        m_unet1 = register_module("unet1", std::make_shared<UNet1>(unet1In, c.unetChannels,
                                                                   c.kind == CuganKind::Up3x ? 3 : 2));
        m_unet2 = register_module("unet2", std::make_shared<UNet2>(c.unetChannels, c.unetChannels));
        if (c.kind == CuganKind::Up4x || c.kind == CuganKind::Fast2x)
            m_final = registerAt(*this, "conv_final", validConv(c.unetChannels, 4 * c.outChannels, 3));
    }

    // x: [N, C, H, W] -> [N, C, H * s, W * s]; any H, W (rounded up inside)
    at::Tensor forward(const at::Tensor& input) override
    {
        if (input.dim() != 4 || input.size(1) != m_config.inChannels || input.size(2) < 1 || input.size(3) < 1)
            throw Error(ErrorCode::InvalidArgument, "Real-CUGAN expects [N, " + std::to_string(m_config.inChannels)
                                                        + ", H, W] input, got " + c10::str(input.sizes()));
        const int64_t h = input.size(2), w = input.size(3), s = m_config.scale, k = m_config.multiple;
        const at::Tensor x = m_config.pro ? input * 0.7 + 0.15 : input;
        const int64_t extraH = (k - h % k) % k, extraW = (k - w % k) % k;
        const int64_t p = m_config.pad;
        at::Tensor z = reflectPad(x, p, p + extraW, p, p + extraH);      // [N, C, H', W'] padded
        if (m_config.kind == CuganKind::Fast2x)
            z = at::pixel_unshuffle(z, 2);                               // [N, 4C, H' / 2, W' / 2]
        const at::Tensor u1 = m_unet1->forward(z);                       // [N, U, M, M'] (M = s H' - 32 for 2x)
        at::Tensor y = m_unet2->forward(u1) + cropBorder(u1, 20);        // [N, U, M - 40, M' - 40]
        if (m_final) {
            y = cropBorder(m_final->forward(y), 1);                      // [N, 4C, M - 44, M' - 44]
            y = at::pixel_shuffle(y, 2);                                 // [N, C, 2 (M - 44), ...]
        }
        y = y.narrow(2, 0, h * s).narrow(3, 0, w * s);                   // [N, C, H s, W s]
        if (m_final)
            y = y + at::upsample_nearest2d(x, {h * s, w * s}, double(s), double(s));
        return m_config.pro ? (y - 0.15) / 0.7 : y;
    }

private:
    CuganConfig m_config;
    std::shared_ptr<UNet1> m_unet1;
    std::shared_ptr<UNet2> m_unet2;
    torch::nn::Conv2d m_final{nullptr};
};

bool detect(const WeightStore& sd, ModelInfo& info)
{
    if (!hasKey(sd, "unet1.conv1.conv.0.weight") || !hasKey(sd, "unet1.conv_bottom.weight")
        || !hasKey(sd, "unet2.conv1.conv.0.weight"))
        return false;
    const CuganConfig c = readConfig(sd);
    info.architecture = "RealCUGAN";
    info.scale = c.scale;
    info.inChannels = int(c.inChannels);
    info.outChannels = int(c.outChannels);
    info.inputMultiple = c.multiple;
    // Local context only (the squeeze-excitation means see the whole tile):
    // measured by perturbing one input pixel with the seblocks held constant
    // (tst_realcugan checks it). It is a little over the reference's padding.
    switch (c.kind) {
    case CuganKind::Up2x: info.receptiveRadius = 20; break; // measured 19.25
    case CuganKind::Up3x: info.receptiveRadius = 16; break; // 16
    case CuganKind::Up4x: info.receptiveRadius = 20; break; // 19.875
    case CuganKind::Fast2x: info.receptiveRadius = 41; break; // 40.25
    }
    // Activations stay near image range and the seblock means are taken in
    // fp32; the reference runs these models in fp16.
    // Both U-Nets keep 64 channels at their full resolution (128 and 256 only below it).
    info.featureChannels = 64;
    info.fp16Safe = true;
    info.bf16Safe = true;
    info.details = std::string(kindName(c.kind)) + (c.pro ? " pro" : "")
                   + " squeeze-excitation (tiles differ slightly from a whole-image run)";
    return true;
}

std::shared_ptr<ArchNetwork> build(const WeightStore& sd)
{
    return std::make_shared<RealCuganNet>(readConfig(sd));
}

} // namespace

const ArchDescriptor& realcuganArchitecture()
{
    static const ArchDescriptor descriptor{"RealCUGAN",
                                           {"unet1.conv1.conv.0.weight", "unet1.conv1_down.weight",
                                            "unet1.conv2.seblock.conv1.weight", "unet1.conv_bottom.weight",
                                            "unet2.conv1.conv.0.weight", "unet2.conv5.weight",
                                            "unet2.conv_bottom.weight"},
                                           &detect, &build};
    return descriptor;
}

} // namespace tessera

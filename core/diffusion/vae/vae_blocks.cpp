#include "diffusion/vae/vae_blocks.h"

#include "diffusion/nn/attention.h"

#include <array>

namespace tessera::sd {

ResnetBlock::ResnetBlock(int64_t in, int64_t out, const at::TensorOptions& options)
{
    norm1 = registerAt(*this, "norm1", std::make_shared<GroupNorm>(kVaeGroups, in, kVaeNormEps, options));
    conv1 = registerAt(*this, "conv1", std::make_shared<Conv2d>(in, out, 3, options));
    norm2 = registerAt(*this, "norm2", std::make_shared<GroupNorm>(kVaeGroups, out, kVaeNormEps, options));
    conv2 = registerAt(*this, "conv2", std::make_shared<Conv2d>(out, out, 3, options));
    if (in != out)
        ninShortcut = registerAt(*this, "nin_shortcut", std::make_shared<Conv2d>(in, out, 1, options));
}

at::Tensor ResnetBlock::shortcut(const at::Tensor& x) const
{
    return ninShortcut ? ninShortcut->forward(x) : x;
}

at::Tensor ResnetBlock::forward(const at::Tensor& x) const
{
    // x: [B, in, H, W]; h: [B, out, H, W]
    at::Tensor h = conv1->forward(at::silu(norm1->forward(x)));
    h = conv2->forward(at::silu(norm2->forward(h)));
    return shortcut(x) + h;
}

AttnBlock::AttnBlock(int64_t channels, const at::TensorOptions& options)
{
    norm = registerAt(*this, "norm", std::make_shared<GroupNorm>(kVaeGroups, channels, kVaeNormEps, options));
    q = registerAt(*this, "q", std::make_shared<Conv2d>(channels, channels, 1, options));
    k = registerAt(*this, "k", std::make_shared<Conv2d>(channels, channels, 1, options));
    v = registerAt(*this, "v", std::make_shared<Conv2d>(channels, channels, 1, options));
    projOut = registerAt(*this, "proj_out", std::make_shared<Conv2d>(channels, channels, 1, options));
}

at::Tensor AttnBlock::forward(const at::Tensor& x) const
{
    // x: [B, C, H, W]
    const int64_t batch = x.size(0), channels = x.size(1), height = x.size(2), width = x.size(3);
    const at::Tensor h = norm->forward(x);
    // [B, C, H, W] -> [B, H * W, C]: one token per position, one head of C channels
    auto tokens = [&](const at::Tensor& t) { return t.reshape({batch, channels, height * width}).transpose(1, 2); };
    const at::Tensor attended =
        m_attention ? m_attention(tokens(q->forward(h)), tokens(k->forward(h)), tokens(v->forward(h)), height, width)
                    : multiHeadAttention(tokens(q->forward(h)), tokens(k->forward(h)), tokens(v->forward(h)), /*heads=*/1);
    // [B, H * W, C] -> [B, C, H, W]
    const at::Tensor out = attended.transpose(1, 2).reshape({batch, channels, height, width});
    return x + projOut->forward(out);
}

Downsample::Downsample(int64_t channels, const at::TensorOptions& options)
{
    conv = registerAt(*this, "conv", std::make_shared<Conv2d>(channels, channels, 3, options, /*stride=*/2,
                                                              /*padding=*/0));
}

at::Tensor Downsample::forward(const at::Tensor& x) const
{
    // x: [B, C, H, W] -> [B, C, H + 1, W + 1] -> [B, C, H / 2, W / 2]
    return conv->forward(at::constant_pad_nd(x, {0, 1, 0, 1}, 0.0));
}

Upsample::Upsample(int64_t channels, const at::TensorOptions& options)
{
    conv = registerAt(*this, "conv", std::make_shared<Conv2d>(channels, channels, 3, options));
}

at::Tensor Upsample::forward(const at::Tensor& x) const
{
    // x: [B, C, H, W] -> [B, C, 2 H, 2 W]
    const std::array<int64_t, 2> size{2 * x.size(2), 2 * x.size(3)};
    return conv->forward(at::upsample_nearest2d(x, size));
}

} // namespace tessera::sd

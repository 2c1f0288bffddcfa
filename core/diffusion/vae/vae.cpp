#include "diffusion/vae/vae.h"

#include "common/cancel_scope.h"
#include "common/error.h"
#include "common/finite_values.h"
#include "common/torch_compat.h"

#include <c10/util/StringUtil.h>

#include <string>

namespace tessera::sd {
VaeEncoder::VaeEncoder(const VaeConfig& config, const at::TensorOptions& options)
{
    const int64_t ch = config.baseChannels;
    const auto levels = int64_t(config.channelMult.size());
    convIn = registerAt(*this, "conv_in", std::make_shared<Conv2d>(config.imageChannels, ch, 3, options));
    int64_t channels = ch;
    for (int64_t i = 0; i < levels; ++i) {
        const std::string path = "down." + std::to_string(i);
        const int64_t out = ch * config.channelMult[size_t(i)];
        Level level;
        for (int64_t j = 0; j < config.numResBlocks; ++j) {
            level.blocks.push_back(registerAt(*this, path + ".block." + std::to_string(j),
                                              std::make_shared<ResnetBlock>(channels, out, options)));
            channels = out;
        }
        if (i + 1 < levels)
            level.downsample = registerAt(*this, path + ".downsample", std::make_shared<Downsample>(channels, options));
        down.push_back(std::move(level));
    }
    midBlock1 = registerAt(*this, "mid.block_1", std::make_shared<ResnetBlock>(channels, channels, options));
    midAttn1 = registerAt(*this, "mid.attn_1", std::make_shared<AttnBlock>(channels, options));
    midBlock2 = registerAt(*this, "mid.block_2", std::make_shared<ResnetBlock>(channels, channels, options));
    normOut = registerAt(*this, "norm_out", std::make_shared<GroupNorm>(kVaeGroups, channels, kVaeNormEps, options));
    convOut = registerAt(*this, "conv_out", std::make_shared<Conv2d>(channels, 2 * config.latentChannels, 3, options));
}

at::Tensor VaeEncoder::forward(const at::Tensor& x) const
{
    // x: [B, 3, H, W] -> h: [B, ch, H, W]
    at::Tensor h = convIn->forward(x);
    for (const Level& level : down) {
        for (const auto& block : level.blocks) {
            throwIfCurrentCancelled(); // between blocks: a whole-image pass takes seconds
            h = block->forward(h);
        }
        if (level.downsample)
            h = level.downsample->forward(h); // [B, C, H', W'] -> [B, C, H' / 2, W' / 2]
    }
    return forwardMiddleAndOut(h); // [B, 2 z, H / 8, W / 8]
}

at::Tensor VaeEncoder::forwardMiddleAndOut(const at::Tensor& h) const
{
    // h: [B, C, h, w]
    at::Tensor x = midBlock2->forward(midAttn1->forward(midBlock1->forward(h)));
    return convOut->forward(at::silu(normOut->forward(x))); // [B, 2 z, h, w]
}

VaeDecoder::VaeDecoder(const VaeConfig& config, const at::TensorOptions& options)
{
    const int64_t ch = config.baseChannels;
    const auto levels = int64_t(config.channelMult.size());
    int64_t channels = ch * config.channelMult.back();
    convIn = registerAt(*this, "conv_in", std::make_shared<Conv2d>(config.latentChannels, channels, 3, options));
    midBlock1 = registerAt(*this, "mid.block_1", std::make_shared<ResnetBlock>(channels, channels, options));
    midAttn1 = registerAt(*this, "mid.attn_1", std::make_shared<AttnBlock>(channels, options));
    midBlock2 = registerAt(*this, "mid.block_2", std::make_shared<ResnetBlock>(channels, channels, options));
    up.resize(size_t(levels));
    for (int64_t i = levels - 1; i >= 0; --i) {
        const std::string path = "up." + std::to_string(i);
        const int64_t out = ch * config.channelMult[size_t(i)];
        Level& level = up[size_t(i)];
        for (int64_t j = 0; j < config.numResBlocks + 1; ++j) {
            level.blocks.push_back(registerAt(*this, path + ".block." + std::to_string(j),
                                              std::make_shared<ResnetBlock>(channels, out, options)));
            channels = out;
        }
        if (i > 0)
            level.upsample = registerAt(*this, path + ".upsample", std::make_shared<Upsample>(channels, options));
    }
    normOut = registerAt(*this, "norm_out", std::make_shared<GroupNorm>(kVaeGroups, channels, kVaeNormEps, options));
    convOut = registerAt(*this, "conv_out", std::make_shared<Conv2d>(channels, config.imageChannels, 3, options));
}

at::Tensor VaeDecoder::forwardMiddle(const at::Tensor& z) const
{
    // z: [B, z, h, w] -> [B, C, h, w]
    const at::Tensor h = convIn->forward(z);
    return midBlock2->forward(midAttn1->forward(midBlock1->forward(h)));
}

at::Tensor VaeDecoder::forward(const at::Tensor& z) const
{
    // z: [B, z, h, w] -> h: [B, C, h, w]
    at::Tensor h = forwardMiddle(z);
    for (auto level = up.rbegin(); level != up.rend(); ++level) {
        for (const auto& block : level->blocks) {
            throwIfCurrentCancelled(); // between blocks: a whole-image pass takes seconds
            h = block->forward(h);
        }
        if (level->upsample)
            h = level->upsample->forward(h); // [B, C, h', w'] -> [B, C, 2 h', 2 w']
    }
    return convOut->forward(at::silu(normOut->forward(h))); // [B, 3, 8 h, 8 w]
}

at::ScalarType overflowFallbackDtype(at::ScalarType dtype, const c10::Device& device)
{
    if (dtype == at::kHalf)
        return deviceHasFastBf16(device) ? at::kBFloat16 : at::kFloat;
    if (dtype == at::kBFloat16)
        return at::kFloat;
    return dtype;
}

VaeModel::VaeModel(const VaeConfig& config, const at::TensorOptions& options) : m_config(config)
{
    encoder = registerAt(*this, "encoder", std::make_shared<VaeEncoder>(config, options));
    decoder = registerAt(*this, "decoder", std::make_shared<VaeDecoder>(config, options));
    const int64_t z = config.latentChannels;
    quantConv = registerAt(*this, "quant_conv", std::make_shared<Conv2d>(2 * z, 2 * z, 1, options));
    postQuantConv = registerAt(*this, "post_quant_conv", std::make_shared<Conv2d>(z, z, 1, options));
}

void VaeModel::setMidAttention(const AttnBlock::TokenAttention& attention)
{
    if (encoder)
        encoder->midAttn1->setAttention(attention);
    if (decoder)
        decoder->midAttn1->setAttention(attention);
}

at::ScalarType VaeModel::dtype() const
{
    return postQuantConv->weight.scalar_type();
}

c10::Device VaeModel::device() const
{
    return postQuantConv->weight.device();
}

void VaeModel::checkImage(const at::Tensor& image) const
{
    const int64_t multiple = m_config.downscale();
    if (image.dim() != 4 || image.size(1) != m_config.imageChannels || image.size(0) < 1)
        throw Error(ErrorCode::InvalidArgument, "the VAE encodes [B, " + std::to_string(m_config.imageChannels)
                                                    + ", H, W] images, not " + c10::str(image.sizes()));
    if (image.size(2) < multiple || image.size(3) < multiple || image.size(2) % multiple != 0
        || image.size(3) % multiple != 0)
        throw Error(ErrorCode::InvalidArgument, "the VAE encodes images whose sides are positive multiples of "
                                                    + std::to_string(multiple) + ", not " + c10::str(image.sizes())
                                                    + " (pad or crop the image first)");
}

void VaeModel::checkLatent(const at::Tensor& latent) const
{
    if (latent.dim() != 4 || latent.size(1) != m_config.latentChannels || latent.size(0) < 1 || latent.size(2) < 1
        || latent.size(3) < 1)
        throw Error(ErrorCode::InvalidArgument, "the VAE decodes [B, " + std::to_string(m_config.latentChannels)
                                                    + ", h, w] latents, not " + c10::str(latent.sizes()));
}

at::Tensor VaeModel::encodeMoments(const at::Tensor& image) const
{
    checkImage(image);
    return runWithOverflowFallback([&](const VaeModel& model) {
        // [B, 3, H, W] -> [B, 2 z, H / 8, W / 8]
        return model.momentsOf(model.encoder->forward(image.to(model.device(), model.dtype())));
    });
}

at::Tensor VaeModel::momentsOf(const at::Tensor& encoded) const
{
    // encoded: [B, 2 z, h, w] -> mean [B, z, h, w], log-variance [B, z, h, w]
    const at::Tensor moments = quantConv->forward(encoded).to(at::kFloat);
    const int64_t z = m_config.latentChannels;
    return at::cat({moments.narrow(1, 0, z), moments.narrow(1, z, z).clamp(-30.0, 20.0)}, 1);
}

at::Tensor VaeModel::encode(const at::Tensor& image) const
{
    return encodeMoments(image).narrow(1, 0, m_config.latentChannels); // [B, z, H / 8, W / 8]
}

at::Tensor VaeModel::decode(const at::Tensor& latent) const
{
    checkLatent(latent);
    return runWithOverflowFallback([&](const VaeModel& model) {
        // [B, z, h, w] -> [B, 3, 8 h, 8 w]
        const at::Tensor z = model.postQuantConv->forward(latent.to(model.device(), model.dtype()));
        return model.decoder->forward(z).to(at::kFloat);
    });
}

at::Tensor VaeModel::runWithOverflowFallback(const std::function<at::Tensor(const VaeModel&)>& pass) const
{
    if (!m_fellBack.load()) {
        at::Tensor result = pass(*this);
        const at::ScalarType type = dtype();
        if ((type != at::kHalf && type != at::kBFloat16) || allFiniteValues(result))
            return result;
        m_fellBack.store(true);
    }
    const std::shared_ptr<const VaeModel> fallback = overflowFallback();
    return fallback->runWithOverflowFallback(pass);
}

std::shared_ptr<const VaeModel> VaeModel::overflowFallback() const
{
    const std::lock_guard<std::mutex> lock(m_fallbackMutex);
    const at::ScalarType target = overflowFallbackDtype(dtype(), device());
    if (m_fallback || target == dtype())
        return m_fallback;
    auto copy = std::make_shared<VaeModel>(m_config, at::TensorOptions().dtype(target).device(device()));
    const auto source = named_parameters();
    for (const auto& parameter : copy->named_parameters())
        parameter.value().copy_(source[parameter.key()]);
    m_fallback = std::move(copy);
    return m_fallback;
}

void VaeModel::setOverflowFallback(std::shared_ptr<const VaeModel> fallback)
{
    const std::lock_guard<std::mutex> lock(m_fallbackMutex);
    m_fallback = std::move(fallback);
}

} // namespace tessera::sd

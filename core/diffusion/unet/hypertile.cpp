#include "diffusion/unet/hypertile.h"

#include "common/error.h"
#include "diffusion/nn/attention.h"
#include "diffusion/unet/unet.h"
#include "diffusion/unet/unet_config.h"
#include "diffusion/vae/vae.h"

#include <algorithm>
#include <vector>

namespace tessera::sd {

int64_t randomDivisor(int64_t value, int64_t minValue, int64_t maxOptions, std::mt19937_64& generator)
{
    if (value < 1 || minValue < 1 || maxOptions < 1)
        throw Error(ErrorCode::InvalidArgument, "randomDivisor needs positive arguments");
    minValue = std::min(minValue, value);
    std::vector<int64_t> quotients; // value / d for the divisors d >= minValue, smallest d first
    for (int64_t d = minValue; d <= value && int64_t(quotients.size()) < maxOptions; ++d)
        if (value % d == 0)
            quotients.push_back(value / d);
    // A plain modulo (not uniform_int_distribution, whose algorithm differs
    // between standard libraries) keeps the choice reproducible everywhere.
    const size_t index = quotients.size() > 1 ? size_t(generator() % quotients.size()) : 0;
    return quotients[index];
}

bool hyperTileReachesAttention(const UNetConfig& config, const HyperTileOptions& options)
{
    const int levels = int(config.transformerDepth.size());
    for (int level = 0; level <= options.maxDepth && level < levels; ++level)
        if (config.transformerDepth[size_t(level)] > 0)
            return true;
    // The middle block sits at the deepest level.
    return options.maxDepth >= levels - 1 && config.middleTransformerDepth > 0;
}

at::Tensor splitIntoTiles(const at::Tensor& tokens, const HyperTileSplit& s)
{
    // [B, nh * th * nw * tw, C] -> [B, nh, th, nw, tw, C] -> [B, nh, nw, th, tw, C]
    const int64_t batch = tokens.size(0), channels = tokens.size(2);
    return tokens.reshape({batch, s.nh, s.tileRows, s.nw, s.tileColumns, channels})
        .permute({0, 1, 3, 2, 4, 5})
        .reshape({batch * s.nh * s.nw, s.tileRows * s.tileColumns, channels});
}

at::Tensor joinTiles(const at::Tensor& tiles, const HyperTileSplit& s)
{
    // [B nh nw, th tw, C] -> [B, nh, nw, th, tw, C] -> [B, nh, th, nw, tw, C]
    const int64_t channels = tiles.size(2), batch = tiles.size(0) / (s.nh * s.nw);
    return tiles.reshape({batch, s.nh, s.nw, s.tileRows, s.tileColumns, channels})
        .permute({0, 1, 3, 2, 4, 5})
        .reshape({batch, s.nh * s.tileRows * s.nw * s.tileColumns, channels});
}

HyperTile::HyperTile(const HyperTileOptions& options) : m_options(options), m_generator(options.seed)
{
    auto check = [](int value, int lowest, int highest, const char* name) {
        if (value < lowest || value > highest)
            throw Error(ErrorCode::InvalidArgument, std::string("HyperTile ") + name + " must be " +
                                                        std::to_string(lowest) + ".." + std::to_string(highest) +
                                                        ", not " + std::to_string(value));
    };
    check(options.tileSize, 1, 2048, "tile size");
    check(options.swapSize, 1, 128, "swap size");
    check(options.maxDepth, 0, 10, "max depth");
}

HyperTileSplit HyperTile::chooseSplit(const SelfAttentionSite& site)
{
    HyperTileSplit split;
    if (site.level > m_options.maxDepth)
        return split;
    const int64_t latentTile = std::max(32, m_options.tileSize) / 8;
    const int64_t factor = m_options.scaleDepth ? int64_t(1) << site.level : 1;
    split.nh = randomDivisor(site.height, latentTile * factor, m_options.swapSize, m_generator);
    split.nw = randomDivisor(site.width, latentTile * factor, m_options.swapSize, m_generator);
    split.tileRows = site.height / split.nh;
    split.tileColumns = site.width / split.nw;
    return split;
}

at::Tensor HyperTile::before(const at::Tensor& tokens, const SelfAttentionSite& site)
{
    // tokens: [B, height * width, C]
    m_pending = chooseSplit(site);
    m_split = m_pending.nh * m_pending.nw > 1;
    return m_split ? splitIntoTiles(tokens, m_pending) : tokens;
}

at::Tensor HyperTile::after(const at::Tensor& attended)
{
    if (!m_split)
        return attended;
    m_split = false;
    return joinTiles(attended, m_pending);
}

void HyperTile::apply(UNetModel& unet)
{
    std::shared_ptr<HyperTile> self = shared_from_this();
    unet.setSelfAttentionHooks([self](const at::Tensor& tokens, const SelfAttentionSite& site) { return self->before(tokens, site); },
                               [self](const at::Tensor& attended, const SelfAttentionSite&) { return self->after(attended); });
}

void HyperTile::remove(UNetModel& unet)
{
    unet.setSelfAttentionHooks({}, {});
}

void HyperTile::applyToVae(VaeModel& vae)
{
    std::shared_ptr<HyperTile> self = shared_from_this();
    vae.setMidAttention([self](const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, int64_t rows,
                               int64_t columns) {
        // q, k, v: [B, rows * columns, C], one head
        const HyperTileSplit split = self->chooseSplit({0, rows, columns});
        if (split.nh * split.nw == 1)
            return multiHeadAttention(q, k, v, /*heads=*/1);
        return joinTiles(multiHeadAttention(splitIntoTiles(q, split), splitIntoTiles(k, split),
                                            splitIntoTiles(v, split), /*heads=*/1),
                         split);
    });
}

void HyperTile::removeFromVae(VaeModel& vae)
{
    vae.setMidAttention({});
}

} // namespace tessera::sd

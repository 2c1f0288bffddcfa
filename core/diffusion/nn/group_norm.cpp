#include "diffusion/nn/group_norm.h"

#include <algorithm>
#include <atomic>
#include <tuple>
#include <vector>

namespace tessera::sd {

namespace {
std::atomic<int64_t> g_wideRowLength{int64_t(1) << 16};
} // namespace

int64_t wideGroupNormRowLength()
{
    return g_wideRowLength.load();
}

void setWideGroupNormRowLength(int64_t values)
{
    g_wideRowLength.store(values);
}

bool groupNormRowsAreFewAndLong(const at::Tensor& x, int64_t groups)
{
    const int64_t shortest = g_wideRowLength.load();
    if (shortest <= 0 || !x.is_cuda() || x.dim() < 2 || x.numel() == 0)
        return false;
    const int64_t rows = x.size(0) * groups;
    return rows < 512 && x.numel() / rows >= shortest;
}

at::Tensor groupNormByWideReductions(const at::Tensor& x, int64_t groups, const at::Tensor& weight,
                                     const at::Tensor& bias, double eps)
{
    const int64_t batch = x.size(0), channels = x.size(1);
    const at::Tensor grouped = x.contiguous().view({batch, groups, -1}); // [N, G, C / G * prod(*)]
    const int64_t reduced[] = {2};
    at::Tensor mean, variance; // [N, G, 1] fp32
    if (x.scalar_type() == at::kFloat) {
        std::tie(variance, mean) = at::var_mean(grouped, at::IntArrayRef(reduced), /*unbiased=*/false,
                                                /*keepdim=*/true);
    } else {
        mean = at::mean(grouped, at::IntArrayRef(reduced), /*keepdim=*/true, at::kFloat);
        const at::Tensor rootSumSquares =
            at::linalg_vector_norm(grouped, 2, at::IntArrayRef(reduced), /*keepdim=*/true, at::kFloat);
        variance = (rootSumSquares.square() / double(grouped.size(2)) - mean.square()).clamp_min(0);
    }
    // [N, G, 1] x [G, C / G] -> [N, G, C / G]: y = x * scale + shift per (sample, channel)
    const at::Tensor scale = (variance + eps).rsqrt() * weight.to(at::kFloat).view({groups, -1});
    const at::Tensor shift = bias.to(at::kFloat).view({groups, -1}) - mean * scale;
    std::vector<int64_t> perChannel(size_t(x.dim()), 1); // [N, C, 1, ...]
    perChannel[0] = batch;
    perChannel[1] = channels;
    return at::addcmul(shift.to(x.scalar_type()).view(perChannel), x, scale.to(x.scalar_type()).view(perChannel));
}

} // namespace tessera::sd

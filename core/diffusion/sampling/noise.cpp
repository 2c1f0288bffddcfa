#include "diffusion/sampling/noise.h"

#include "common/torch_compat.h"

namespace tessera::sd {

at::Tensor initialNoise(at::IntArrayRef shape, uint64_t seed, const at::TensorOptions& options)
{
    at::Generator generator = seededGenerator(at::kCPU, seed);
    return at::randn(shape, generator, at::kFloat).to(options.device(), options.dtype().toScalarType());
}

NoiseSampler seededNoiseSampler(const at::Tensor& like, uint64_t seed)
{
    at::Generator generator = seededGenerator(like.device(), like.device().is_cpu() ? seed + 1 : seed);
    const std::vector<int64_t> shape = like.sizes().vec();
    const at::TensorOptions options = like.options();
    return [generator, shape, options](double, double) mutable { return at::randn(shape, generator, options); };
}

} // namespace tessera::sd

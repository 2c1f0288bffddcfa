#include "diffusion/unet/adm.h"

#include "common/error.h"
#include "diffusion/unet/blocks.h"

#include <vector>

namespace tessera::sd {

namespace {

/// pooled: [B, P] -> [B, P + numbers * 256]: each number embedded as a
/// timestep (computed in fp32 as sgm does), the same for every batch row.
at::Tensor concatEmbeddings(const at::Tensor& pooled, const std::vector<double>& numbers)
{
    if (!pooled.defined() || pooled.dim() != 2)
        throw Error(ErrorCode::InvalidArgument, "SDXL ADM: the pooled text embedding must be [B, P]");
    const at::Tensor values =
        at::tensor(numbers, at::TensorOptions().dtype(at::kDouble)).to(at::kFloat).to(pooled.device());
    const at::Tensor embedded = timestepEmbedding(values, kSdxlAdmEmbeddingDim).reshape({1, -1}); // [1, n * 256]
    return at::cat({pooled, embedded.expand({pooled.size(0), -1}).to(pooled.dtype())}, 1);
}

} // namespace

at::Tensor sdxlBaseAdm(const at::Tensor& pooled, const SdxlSizeConditioning& sizes)
{
    return concatEmbeddings(pooled, {double(sizes.originalHeight), double(sizes.originalWidth), double(sizes.cropTop),
                                     double(sizes.cropLeft), double(sizes.targetHeight), double(sizes.targetWidth)});
}

at::Tensor sdxlRefinerAdm(const at::Tensor& pooled, const SdxlRefinerConditioning& conditioning)
{
    return concatEmbeddings(pooled, {double(conditioning.originalHeight), double(conditioning.originalWidth),
                                     double(conditioning.cropTop), double(conditioning.cropLeft),
                                     conditioning.aestheticScore});
}

} // namespace tessera::sd

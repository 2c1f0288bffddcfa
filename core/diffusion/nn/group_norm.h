#pragma once
/// GroupNorm without PyTorch's CUDA kernel where that kernel starves the GPU.
///
/// PyTorch's CUDA group_norm reduces each (sample, group) row in one thread
/// block: a CFG batch of 2 with 32 groups keeps 64 blocks busy, each walking
/// up to 10 x 256 x 256 values, and at 2048² its statistics alone took 18 of
/// a UNet step's 125 ms (tests/bench/NOTES.md). Torch's generic reductions
/// spread one long row over many blocks; the normalisation is then one
/// broadcast multiply-add.

#include <ATen/ATen.h>

#include <cstdint>

namespace tessera::sd {

/// True where at::group_norm would run few long rows on a GPU: CUDA, fewer
/// than 512 (sample, group) rows, each of at least wideGroupNormRowLength()
/// values.
bool groupNormRowsAreFewAndLong(const at::Tensor& x, int64_t groups);

/// The shortest row that takes the wide reductions (their dozen small
/// kernels cost launch time where rows are short). For the bench:
/// setWideGroupNormRowLength(0) sends every GroupNorm to torch's kernel.
int64_t wideGroupNormRowLength();
void setWideGroupNormRowLength(int64_t values);

/// at::group_norm(x, groups, weight, bias, eps) from torch's generic
/// reductions. x: [N, C, *] -> [N, C, *] in x's dtype; weight, bias [C].
/// Statistics in fp32: var_mean for fp32 input; for fp16 / bf16 the mean and
/// the mean of squares (E[x²] - E[x]² in fp32 loses about mean²/var x 6e-8
/// of the variance, less than the 16-bit input's own rounding carries).
at::Tensor groupNormByWideReductions(const at::Tensor& x, int64_t groups, const at::Tensor& weight,
                                     const at::Tensor& bias, double eps);

} // namespace tessera::sd

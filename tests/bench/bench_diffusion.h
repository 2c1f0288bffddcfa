#pragma once
// tessera-bench's diffusion modes: a real-size checkpoint's UNet step with
// CFG (batch 2) and VAE passes timed on a device, and our outputs compared
// with the original code's on the same weights
// (scripts/diffusion_reference/gpu_reference.py makes both files).

#include "bench_options.h"
#include <map>
#include <string>

namespace tessera::bench {

/// --checkpoint F --device D --precision P [--sizes 512,1024] [--runs N]
int runDiffusionTiming(const Options& options);
/// --checkpoint F --vocab DIR --device D --precision P [--size 2048] [--tile 1024]
/// [--overlap O] [--steps 30] [--denoise 0.25] [--modes blend,tiles,pixel]
/// [--batches 1,4] [--runs 3]: RefineJob::run's wall time per mode.
int runRefineTiming(const Options& options);
/// --checkpoint F --reference R --device D --precision P [--tolerance T]
int runDiffusionVerify(const Options& options);

} // namespace tessera::bench

#pragma once
// tessera-bench's diffusion modes: a real-size checkpoint's UNet step with
// CFG (batch 2) and VAE passes timed on a device, and our outputs compared
// with the original code's on the same weights
// (scripts/diffusion_reference/gpu_reference.py makes both files).

#include <map>
#include <string>

namespace tessera::bench {

using Options = std::map<std::string, std::string>;

/// --checkpoint F --device D --precision P [--sizes 512,1024] [--runs N]
int runDiffusionTiming(const Options& options);
/// --checkpoint F --reference R --device D --precision P [--tolerance T]
int runDiffusionVerify(const Options& options);

} // namespace tessera::bench

#pragma once
/// The split every ancestral and SDE step makes of its way from sigma to
/// sigmaNext (k-diffusion's / ComfyUI's get_ancestral_step):
///   sigma_up   = min(sigmaNext, eta sqrt(sigmaNext^2 (sigma^2 - sigmaNext^2) / sigma^2))
///   sigma_down = sqrt(sigmaNext^2 - sigma_up^2)
/// The step goes deterministically down to sigma_down, then adds fresh noise
/// of std sigma_up, so the marginal at sigmaNext is kept.

namespace tessera::sd {

struct AncestralStep {
    double sigmaDown = 0.0;
    double sigmaUp = 0.0;
};

/// eta 0 is the plain ODE step: {sigmaNext, 0}.
AncestralStep ancestralStep(double sigma, double sigmaNext, double eta);

} // namespace tessera::sd

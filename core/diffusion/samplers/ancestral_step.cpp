#include "diffusion/samplers/ancestral_step.h"

#include <algorithm>
#include <cmath>

namespace tessera::sd {

AncestralStep ancestralStep(double sigma, double sigmaNext, double eta)
{
    if (eta == 0.0)
        return {sigmaNext, 0.0};
    const double up = std::min(
        sigmaNext, eta * std::sqrt(sigmaNext * sigmaNext * (sigma * sigma - sigmaNext * sigmaNext) / (sigma * sigma)));
    return {std::sqrt(sigmaNext * sigmaNext - up * up), up};
}

} // namespace tessera::sd

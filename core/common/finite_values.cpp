#include "common/finite_values.h"

#include <cmath>

namespace tessera {

bool allFiniteValues(const at::Tensor& values)
{
    if (values.numel() == 0)
        return true;
    if (!values.is_floating_point())
        return true; // integers have no NaN or infinity
    return std::isfinite(at::sum(values, at::kDouble).item<double>());
}

} // namespace tessera

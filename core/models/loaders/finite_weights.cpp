#include "models/loaders/finite_weights.h"

#include "common/error.h"
#include "common/finite_values.h"

namespace tessera {

void requireFiniteWeights(const at::Tensor& weights, const std::string& context, const std::string& name)
{
    if (!c10::isFloatingType(weights.scalar_type()) || weights.numel() == 0 || allFiniteValues(weights))
        return;
    const bool nan = at::isnan(weights.to(at::kFloat)).any().item<bool>();
    throw Error(ErrorCode::InvalidModel, context + ": model weights contain " + (nan ? "NaN" : "Inf") + ": layer " + name);
}

} // namespace tessera

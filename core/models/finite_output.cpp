#include "models/finite_output.h"

#include "common/error.h"
#include "common/finite_values.h"

namespace tessera {

at::Tensor finiteModelOutput(const std::string& modelName, at::ScalarType& dtype,
                             const std::function<at::Tensor(at::ScalarType)>& run,
                             const std::function<void()>& toFloat32)
{
    at::Tensor y = run(dtype);
    if (allFiniteValues(y))
        return y;
    if (dtype != at::kFloat) {
        toFloat32();
        dtype = at::kFloat;
        y = run(dtype);
        if (allFiniteValues(y))
            return y;
    }
    throw Error(ErrorCode::InvalidModel, modelName + ": the model computes NaN or infinite values (in fp32 as well)");
}

} // namespace tessera

#include "diffusion/samplers/lms.h"

#include "common/error.h"

#include <algorithm>
#include <deque>
#include <string>

namespace tessera::sd {

namespace {

/// integral over [sigmas[i], sigmas[i+1]] of the Lagrange basis polynomial
/// through sigmas[i], ..., sigmas[i-order+1] that is 1 at sigmas[i-j].
double lagrangeBasisIntegral(const std::vector<double>& sigmas, int i, int order, int j)
{
    // In u = s - sigmas[i] the nodes sit near 0, which keeps the expanded
    // coefficients from cancelling. polynomial[n] is the coefficient of u^n.
    std::vector<double> polynomial(size_t(order), 0.0);
    polynomial[0] = 1.0;
    for (int k = 0; k < order; ++k) {
        if (k == j)
            continue;
        // multiply by (u - node) / (sigmas[i-j] - sigmas[i-k])
        const double node = sigmas[size_t(i - k)] - sigmas[size_t(i)];
        const double denominator = sigmas[size_t(i - j)] - sigmas[size_t(i - k)];
        for (int n = order - 1; n >= 0; --n)
            polynomial[size_t(n)] = ((n > 0 ? polynomial[size_t(n - 1)] : 0.0) - node * polynomial[size_t(n)]) / denominator;
    }
    const double h = sigmas[size_t(i + 1)] - sigmas[size_t(i)];
    double integral = 0.0, hPower = h;
    for (int n = 0; n < order; ++n, hPower *= h)
        integral += polynomial[size_t(n)] * hPower / (n + 1);
    return integral;
}

} // namespace

std::vector<double> lmsCoefficients(const std::vector<double>& sigmas, int i, int order)
{
    if (order < 1 || order - 1 > i || i + 1 >= int(sigmas.size()))
        throw Error(ErrorCode::InvalidArgument, "an LMS step of order " + std::to_string(order) + " at step " +
                                                    std::to_string(i) + " of " + std::to_string(sigmas.size()) +
                                                    " sigmas needs order - 1 <= step < sigmas - 1");
    std::vector<double> coefficients;
    for (int j = 0; j < order; ++j)
        coefficients.push_back(lagrangeBasisIntegral(sigmas, i, order, j));
    return coefficients;
}

at::Tensor sampleLms(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas, const StepCallback& callback,
                     int order)
{
    if (order < 1)
        throw Error(ErrorCode::InvalidArgument, "the LMS order must be at least 1, not " + std::to_string(order));
    const at::Tensor sigmasCpu = sigmas.to(at::kCPU, at::kDouble).contiguous();
    const std::vector<double> sigmaValues(sigmasCpu.data_ptr<double>(), sigmasCpu.data_ptr<double>() + sigmasCpu.numel());
    const int steps = int(sigmaValues.size()) - 1;
    std::deque<at::Tensor> derivatives; // newest first
    for (int i = 0; i < steps; ++i) {
        const double sigma = sigmaValues[size_t(i)];
        const at::Tensor denoised = denoiser(x, sigma);
        derivatives.push_front((x - denoised) / sigma);
        if (int(derivatives.size()) > order)
            derivatives.pop_back();
        if (sigmaValues[size_t(i + 1)] == 0.0) {
            x = denoised;
        } else {
            const std::vector<double> coefficients = lmsCoefficients(sigmaValues, i, std::min(i + 1, order));
            at::Tensor step = derivatives[0] * coefficients[0];
            for (size_t j = 1; j < coefficients.size(); ++j)
                step = step + derivatives[j] * coefficients[j];
            x = x + step;
        }
        if (callback)
            callback(i, steps, x, denoised);
    }
    return x;
}

} // namespace tessera::sd

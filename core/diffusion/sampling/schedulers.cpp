#include "diffusion/sampling/schedulers.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

namespace tessera::sd {

namespace {

void requireSteps(int steps, const char* scheduler)
{
    if (steps < 1)
        throw Error(ErrorCode::InvalidArgument,
                    std::string("the ") + scheduler + " schedule needs at least one step, not " + std::to_string(steps));
}

at::Tensor appendZero(const at::Tensor& sigmas)
{
    return at::cat({sigmas, at::zeros({1}, at::kFloat)});
}

/// ModelSamplingDiscrete.sigma for fp32 timesteps, in fp32 like ComfyUI:
/// exp((1 - w) log sigma[floor t] + w log sigma[ceil t]), w = frac t.
at::Tensor sigmasAtTimesteps(const DiscreteSchedule& schedule, const at::Tensor& timesteps)
{
    const at::Tensor logSigmas = schedule.sigmas().log();
    const at::Tensor t = timesteps.clamp(0, double(schedule.sigmas().size(0) - 1));
    const at::Tensor low = t.floor().to(at::kLong), high = t.ceil().to(at::kLong);
    const at::Tensor w = t.frac();
    return ((1 - w) * logSigmas.index_select(0, low) + w * logSigmas.index_select(0, high)).exp();
}

/// The trained sigmas at integer timesteps, as Python floats gathered into a FloatTensor.
at::Tensor trainedSigmas(const DiscreteSchedule& schedule, const std::vector<int64_t>& timesteps)
{
    return schedule.sigmas().index_select(0, at::tensor(timesteps, at::kLong));
}

/// Lentz's evaluation of the continued fraction of I_x(a, b) (Numerical Recipes betacf).
double betaContinuedFraction(double x, double a, double b)
{
    constexpr double tiny = 1e-300, epsilon = 1e-16;
    const auto guard = [](double v) { return std::fabs(v) < tiny ? tiny : v; };
    double c = 1.0, d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
    double h = d;
    for (int m = 1; m <= 1000; ++m) {
        const double m2 = 2.0 * m;
        const double even = m * (b - m) * x / ((a - 1.0 + m2) * (a + m2));
        d = 1.0 / guard(1.0 + even * d);
        c = guard(1.0 + even / c);
        h *= d * c;
        const double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2));
        d = 1.0 / guard(1.0 + odd * d);
        c = guard(1.0 + odd / c);
        const double step = d * c;
        h *= step;
        if (std::fabs(step - 1.0) < epsilon)
            break;
    }
    return h;
}

} // namespace

at::Tensor karrasSigmas(int steps, double sigmaMin, double sigmaMax, double rho)
{
    requireSteps(steps, "Karras");
    // fp32 arithmetic on a fp32 ramp, as ComfyUI's torch code does.
    const at::Tensor ramp = at::linspace(0, 1, steps, at::kFloat);
    const double minInverse = std::pow(sigmaMin, 1.0 / rho), maxInverse = std::pow(sigmaMax, 1.0 / rho);
    return appendZero((maxInverse + ramp * (minInverse - maxInverse)).pow(rho));
}

at::Tensor exponentialSigmas(int steps, double sigmaMin, double sigmaMax)
{
    requireSteps(steps, "exponential");
    // The endpoints in float64 (math.log), the ramp and exp in fp32 (torch).
    return appendZero(at::linspace(std::log(sigmaMax), std::log(sigmaMin), steps, at::kFloat).exp());
}

at::Tensor normalSigmas(const DiscreteSchedule& schedule, int steps)
{
    requireSteps(steps, "normal");
    // ComfyUI's zero-terminal-SNR branch (sigma(end) == 0: one step more, no
    // appended 0) does not arise: the SD schedule's sigma min is 0.029.
    const double start = schedule.timestep(schedule.sigmaMax()), end = schedule.timestep(schedule.sigmaMin());
    return appendZero(sigmasAtTimesteps(schedule, at::linspace(start, end, steps, at::kFloat)));
}

at::Tensor sgmUniformSigmas(const DiscreteSchedule& schedule, int steps)
{
    requireSteps(steps, "sgm_uniform");
    const double start = schedule.timestep(schedule.sigmaMax()), end = schedule.timestep(schedule.sigmaMin());
    const at::Tensor timesteps = at::linspace(start, end, steps + 1, at::kFloat).slice(0, 0, steps);
    return appendZero(sigmasAtTimesteps(schedule, timesteps));
}

at::Tensor simpleSigmas(const DiscreteSchedule& schedule, int steps)
{
    requireSteps(steps, "simple");
    const int64_t count = schedule.sigmas().size(0);
    const double stride = double(count) / steps;
    std::vector<int64_t> timesteps;
    for (int i = 0; i < steps; ++i)
        timesteps.push_back(count - 1 - int64_t(i * stride));
    return appendZero(trainedSigmas(schedule, timesteps));
}

at::Tensor ddimUniformSigmas(const DiscreteSchedule& schedule, int steps)
{
    requireSteps(steps, "ddim_uniform");
    // ComfyUI's zero-terminal-SNR branch (sigmas[1] == 0) does not arise for the SD schedule.
    const int64_t count = schedule.sigmas().size(0);
    const int64_t stride = std::max<int64_t>(count / steps, 1);
    std::vector<int64_t> timesteps;
    for (int64_t t = 1; t < count; t += stride)
        timesteps.insert(timesteps.begin(), t);
    return appendZero(trainedSigmas(schedule, timesteps));
}

at::Tensor betaSigmas(const DiscreteSchedule& schedule, int steps, double alpha, double beta)
{
    requireSteps(steps, "beta");
    const double lastTimestep = double(schedule.sigmas().size(0) - 1);
    // numpy.linspace(0, 1, steps, endpoint=False) is i * (1 / steps); numpy.rint rounds half to even.
    const double spacing = 1.0 / steps;
    std::vector<int64_t> timesteps;
    double previous = -1.0;
    for (int i = 0; i < steps; ++i) {
        const double t = std::nearbyint(inverseRegularizedIncompleteBeta(1.0 - i * spacing, alpha, beta) * lastTimestep);
        if (t != previous)
            timesteps.push_back(int64_t(t));
        previous = t;
    }
    return appendZero(trainedSigmas(schedule, timesteps));
}

namespace {

using SchedulerFunction = std::function<at::Tensor(const DiscreteSchedule&, int)>;

/// ComfyUI's SCHEDULER_HANDLERS for the schedulers we have, in its order.
const std::vector<std::pair<std::string, SchedulerFunction>>& schedulerTable()
{
    static const std::vector<std::pair<std::string, SchedulerFunction>> table = {
        {"normal", normalSigmas},
        {"karras", [](const DiscreteSchedule& s, int steps) { return karrasSigmas(steps, s.sigmaMin(), s.sigmaMax()); }},
        {"exponential",
         [](const DiscreteSchedule& s, int steps) { return exponentialSigmas(steps, s.sigmaMin(), s.sigmaMax()); }},
        {"sgm_uniform", sgmUniformSigmas},
        {"simple", simpleSigmas},
        {"ddim_uniform", ddimUniformSigmas},
        {"beta", [](const DiscreteSchedule& s, int steps) { return betaSigmas(s, steps); }},
    };
    return table;
}

} // namespace

const std::vector<std::string>& schedulerNames()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& entry : schedulerTable())
            out.push_back(entry.first);
        return out;
    }();
    return names;
}

at::Tensor schedulerSigmas(const std::string& name, const DiscreteSchedule& schedule, int steps)
{
    for (const auto& [known, function] : schedulerTable())
        if (known == name)
            return function(schedule, steps);
    std::string list;
    for (const std::string& known : schedulerNames())
        list += (list.empty() ? "" : ", ") + known;
    throw Error(ErrorCode::InvalidArgument, "unknown scheduler '" + name + "'; expected one of " + list);
}

double regularizedIncompleteBeta(double x, double a, double b)
{
    if (!(a > 0 && b > 0) || !(x >= 0 && x <= 1))
        throw Error(ErrorCode::InvalidArgument, "the incomplete beta function needs a, b > 0 and x in [0, 1], not a = "
                                                    + std::to_string(a) + ", b = " + std::to_string(b)
                                                    + ", x = " + std::to_string(x));
    if (x == 0 || x == 1)
        return x;
    // x^a (1 - x)^b / B(a, b), then the continued fraction on the side where it converges fast.
    const double front =
        std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
    if (x < (a + 1.0) / (a + b + 2.0))
        return front * betaContinuedFraction(x, a, b) / a;
    return 1.0 - front * betaContinuedFraction(1.0 - x, b, a) / b;
}

double inverseRegularizedIncompleteBeta(double p, double a, double b)
{
    if (!(p >= 0 && p <= 1))
        throw Error(ErrorCode::InvalidArgument, "a beta quantile needs p in [0, 1], not " + std::to_string(p));
    // Beta(a, a) is symmetric about 1/2, so its median is exactly 1/2. Bisection
    // would land an ulp to either side, and the beta schedule's 999 * 1/2 sits on
    // numpy.rint's rounding edge (scipy's quantile, and so ComfyUI, gives 500).
    if (p == 0 || p == 1 || (p == 0.5 && a == b))
        return p;
    // I_x is increasing in x: halve [low, high] until the doubles meet.
    double low = 0.0, high = 1.0;
    for (int i = 0; i < 200; ++i) {
        const double middle = 0.5 * (low + high);
        if (middle <= low || middle >= high)
            break;
        (regularizedIncompleteBeta(middle, a, b) < p ? low : high) = middle;
    }
    return 0.5 * (low + high);
}

} // namespace tessera::sd

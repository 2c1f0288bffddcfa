#include "diffusion/samplers/uni_pc.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace tessera::sd {

namespace {

/// A k-diffusion sigma seen as a VP time (ComfyUI's SigmaConvert):
///   log alpha = (1/2) log(1 / (sigma^2 + 1)),  std = sqrt(1 - alpha^2),  lambda = log alpha - log std.
/// Computed with tensor ops in the sigmas' dtype (fp32 from the schedulers), in
/// ComfyUI's order: near sigma = 0.001 (the stand-in for a final 0) 1 - alpha^2
/// keeps few digits in fp32 and the last step depends on them; in fp64 the
/// result of 10 Karras steps moves by 2e-5 (relative) away from ComfyUI's.
struct VpTime {
    double sigma;
    double alpha;
    double std;
    double lambda;
    double inputScale; ///< sqrt(sigma^2 + 1): x_vp -> the k-diffusion x
};

VpTime vpTime(const at::Tensor& sigma) // sigma: a 0-d tensor
{
    const at::Tensor logAlpha = 0.5 * at::log(1.0 / (sigma * sigma + 1.0));
    const at::Tensor oneMinusAlpha2 = 1.0 - at::exp(2.0 * logAlpha);
    return {sigma.item<double>(), at::exp(logAlpha).item<double>(), at::sqrt(oneMinusAlpha2).item<double>(),
            (logAlpha - 0.5 * at::log(oneMinusAlpha2)).item<double>(), at::sqrt(sigma * sigma + 1.0).item<double>()};
}

/// The data prediction at x_vp (ComfyUI's predict_eps_sigma + data_prediction_fn):
/// x = x_vp sqrt(sigma^2 + 1), eps = (x - D(x, sigma)) / sigma, x0 = (x_vp - std eps) / alpha.
at::Tensor predictX0(const Denoiser& denoiser, const at::Tensor& xVp, const VpTime& time)
{
    const at::Tensor x = xVp * time.inputScale;
    const at::Tensor eps = (x - denoiser(x, time.sigma)) / time.sigma;
    return (xVp - eps * time.std) / time.alpha;
}

/// A point of the history: its time and the data prediction there.
struct Evaluation {
    VpTime time;
    at::Tensor x0;
};

/// rho with R rho = b on the first `size` rows and columns.
std::vector<double> solve(const std::vector<std::vector<double>>& r, const std::vector<double>& b, int size)
{
    std::vector<double> matrix;
    for (int j = 0; j < size; ++j)
        matrix.insert(matrix.end(), r[size_t(j)].begin(), r[size_t(j)].begin() + size);
    const std::vector<double> vector(b.begin(), b.begin() + size);
    const at::Tensor rho =
        at::linalg_solve(at::tensor(matrix).reshape({size, size}), at::tensor(vector).unsqueeze(1)).contiguous();
    return {rho.data_ptr<double>(), rho.data_ptr<double>() + size};
}

/// sum_k rho_k D1_k (rho may be longer than D1; an undefined tensor for no D1).
at::Tensor weightedSum(const std::vector<double>& rho, const std::vector<at::Tensor>& d1s)
{
    at::Tensor sum;
    for (size_t k = 0; k < d1s.size(); ++k)
        sum = sum.defined() ? sum + d1s[k] * rho[k] : d1s[k] * rho[k];
    return sum;
}

struct Update {
    at::Tensor xVp;
    at::Tensor x0; ///< D at the predictor's x~ (undefined without the corrector)
};

/// One UniP-bh1 step of `order` from the history's newest point to `next`,
/// corrected by UniC when `corrects` (ComfyUI's multistep_uni_pc_bh_update).
Update uniPcStep(const Denoiser& denoiser, const at::Tensor& xVp, const std::vector<Evaluation>& history,
                 const VpTime& next, int order, bool corrects)
{
    const Evaluation& newest = history.back();
    const double h = next.lambda - newest.time.lambda;
    const double hh = -h; // data prediction integrates in -lambda; B(h) = hh

    std::vector<double> rks;
    std::vector<at::Tensor> d1s;
    for (int k = 1; k < order; ++k) {
        const Evaluation& older = history[history.size() - 1 - size_t(k)];
        const double rk = (older.time.lambda - newest.time.lambda) / h;
        rks.push_back(rk);
        d1s.push_back((older.x0 - newest.x0) / rk);
    }
    rks.push_back(1.0);

    const double hPhi1 = std::expm1(hh);
    std::vector<std::vector<double>> r(static_cast<size_t>(order)); // R_jk = r_k^j
    std::vector<double> b;
    double hPhiK = hPhi1 / hh - 1.0, factorial = 1.0;
    for (int j = 1; j <= order; ++j) {
        for (const double rk : rks)
            r[size_t(j - 1)].push_back(std::pow(rk, j - 1));
        b.push_back(hPhiK * factorial / hh);
        factorial *= j + 1;
        hPhiK = hPhiK / hh - 1.0 / factorial;
    }

    const at::Tensor xFirstOrder = xVp * (next.std / newest.time.std) - newest.x0 * (next.alpha * hPhi1);
    at::Tensor xPredicted = xFirstOrder;
    if (!d1s.empty()) {
        const std::vector<double> rhoP = order == 2 ? std::vector<double>{0.5} : solve(r, b, order - 1);
        xPredicted = xFirstOrder - weightedSum(rhoP, d1s) * (next.alpha * hh);
    }
    if (!corrects)
        return {xPredicted, {}};

    const std::vector<double> rhoC = order == 1 ? std::vector<double>{0.5} : solve(r, b, order);
    const at::Tensor x0 = predictX0(denoiser, xPredicted, next);
    at::Tensor correction = (x0 - newest.x0) * rhoC.back();
    if (!d1s.empty())
        correction = weightedSum(rhoC, d1s) + correction;
    return {xFirstOrder - correction * (next.alpha * hh), x0};
}

} // namespace

at::Tensor sampleUniPc(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas, const StepCallback& callback)
{
    const int steps = int(sigmas.size(0)) - 1;
    if (steps < 1)
        return x;
    at::Tensor times = sigmas.clone();
    if (times[steps].item<double>() == 0.0)
        times[steps].fill_(0.001);

    const VpTime start = vpTime(times[0]);
    x = x / start.inputScale;
    std::vector<Evaluation> history{{start, predictX0(denoiser, x, start)}};
    // ComfyUI's order is min(3, steps - 1): a one-step run evaluates once and never moves.
    const int maxOrder = std::min(3, steps - 1);
    for (int k = 1; k <= steps && maxOrder > 0; ++k) {
        const int order = std::min({k, maxOrder, steps + 1 - k}); // warm-up, then lower orders at the end
        const VpTime next = vpTime(times[k]);
        const at::Tensor denoised = history.back().x0;
        Update update = uniPcStep(denoiser, x, history, next, order, k < steps);
        x = update.xVp;
        if (update.x0.defined()) {
            history.push_back({next, update.x0});
            if (history.size() > size_t(maxOrder))
                history.erase(history.begin());
        }
        if (callback)
            callback(k - 1, steps, x / next.alpha, denoised);
    }
    return x / vpTime(times[steps]).alpha;
}

} // namespace tessera::sd

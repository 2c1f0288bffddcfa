#include "tiling/seam_metric.h"

#include "common/error.h"

#include <algorithm>
#include <vector>

namespace tessera {
namespace {

/// Marks the gradient positions of the bands between neighbours along one
/// axis: band[i] for the difference between samples i - 1 and i.
/// starts / ends: the tiles' area starts and ends along the axis, in order.
std::vector<bool> borderPositions(int length, const std::vector<int>& starts, const std::vector<int>& ends)
{
    std::vector<bool> border(size_t(length), false);
    for (size_t t = 1; t < starts.size(); ++t) {
        const int first = std::max(1, starts[t]), last = std::min(length - 1, ends[t - 1]);
        for (int i = first; i <= std::max(first, last); ++i)
            border[size_t(i)] = true;
    }
    return border;
}

/// Adds the gradient energy along `dim` of image [C, H, W] to (border, interior) sums.
void addAxis(const at::Tensor& image, int64_t dim, const std::vector<bool>& border, double* borderSum,
             int64_t* borderCount, double* interiorSum, int64_t* interiorCount)
{
    const int64_t length = image.size(dim);
    // energy[i - 1] = mean (I_i - I_{i-1})^2 over the other dimensions, i = 1..length-1
    const at::Tensor diff = image.narrow(dim, 1, length - 1) - image.narrow(dim, 0, length - 1);
    std::vector<int64_t> others;
    for (int64_t d = 0; d < 3; ++d)
        if (d != dim)
            others.push_back(d);
    const at::Tensor energy = (diff * diff).mean(others).to(at::kDouble).contiguous();
    const double* e = energy.data_ptr<double>();
    for (int64_t i = 1; i < length; ++i) {
        if (border[size_t(i)]) {
            *borderSum += e[i - 1];
            ++*borderCount;
        } else {
            *interiorSum += e[i - 1];
            ++*interiorCount;
        }
    }
}

} // namespace

SeamEnergy seamEnergy(const at::Tensor& image, const TilePlan& plan)
{
    if (image.dim() != 3 || image.size(1) != plan.imageHeight() || image.size(2) != plan.imageWidth())
        throw Error(ErrorCode::InvalidArgument, "seam energy: the image does not have the plan's size");
    std::vector<int> columnStarts, columnEnds, rowStarts, rowEnds;
    for (int c = 0; c < plan.columns(); ++c) {
        columnStarts.push_back(plan.tile(0, c).area.x);
        columnEnds.push_back(plan.tile(0, c).area.right());
    }
    for (int r = 0; r < plan.rows(); ++r) {
        rowStarts.push_back(plan.tile(r, 0).area.y);
        rowEnds.push_back(plan.tile(r, 0).area.bottom());
    }
    const at::Tensor pixels = image.to(at::kCPU, at::kDouble);
    double borderSum = 0.0, interiorSum = 0.0;
    int64_t borderCount = 0, interiorCount = 0;
    addAxis(pixels, 2, borderPositions(plan.imageWidth(), columnStarts, columnEnds), &borderSum, &borderCount,
            &interiorSum, &interiorCount);
    addAxis(pixels, 1, borderPositions(plan.imageHeight(), rowStarts, rowEnds), &borderSum, &borderCount,
            &interiorSum, &interiorCount);
    SeamEnergy energy;
    energy.border = borderCount > 0 ? borderSum / double(borderCount) : 0.0;
    energy.interior = interiorCount > 0 ? interiorSum / double(interiorCount) : 0.0;
    if (borderCount == 0)
        energy.border = energy.interior;
    return energy;
}

} // namespace tessera

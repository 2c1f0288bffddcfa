#include "image/resize.h"

#include "common/error.h"
#include "image/tensor_convert.h"

#include <cmath>

namespace tessera {

CropWindow centreCropForAspect(int w, int h, int width, int height)
{
    const double oldAspect = double(w) / h, newAspect = double(width) / height;
    if (oldAspect > newAspect) {
        const int x = int(std::nearbyint((w - w * (newAspect / oldAspect)) / 2.0));
        return {x, 0, w - 2 * x, h};
    }
    if (oldAspect < newAspect) {
        const int y = int(std::nearbyint((h - h * (oldAspect / newAspect)) / 2.0));
        return {0, y, w, h - 2 * y};
    }
    return {0, 0, w, h};
}

at::Tensor resizeCentreCropped(const at::Tensor& pixels, int width, int height)
{
    if (width < 1 || height < 1)
        throw Error(ErrorCode::InvalidArgument,
                    "cannot resize to " + std::to_string(width) + "x" + std::to_string(height));
    const CropWindow crop = centreCropForAspect(int(pixels.size(3)), int(pixels.size(2)), width, height);
    const at::Tensor cropped = pixels.narrow(2, crop.y, crop.height).narrow(3, crop.x, crop.width).to(at::kFloat);
    if (crop.width == width && crop.height == height)
        return cropped.contiguous();
    const at::Tensor resized =
        at::_upsample_bicubic2d_aa(cropped.contiguous(), {height, width}, /*align_corners=*/false, c10::nullopt, c10::nullopt);
    const bool unit = cropped.min().item<float>() >= 0.0f && cropped.max().item<float>() <= 1.0f;
    return unit ? resized.clamp(0.0, 1.0) : resized;
}

Image resizeImage(const Image& image, int width, int height)
{
    Image resized = tensorToImage(resizeCentreCropped(imageToTensor(image), width, height));
    resized.metadata() = image.metadata();
    return resized;
}

} // namespace tessera

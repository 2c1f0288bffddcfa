#include "image/tensor_convert.h"

#include "common/error.h"

#include <cstring>

namespace tessera {

at::Tensor imageToTensor(const Image& image, int x, int y, int width, int height)
{
    if (x < 0 || y < 0 || width < 0 || height < 0 || x + width > image.width()
        || y + height > image.height())
        throw Error(ErrorCode::InvalidArgument, "region outside the image");
    const int channels = image.channels();
    // hwc: [H, W, C] view of the region, copied row by row.
    at::Tensor hwc = at::empty({height, width, channels}, at::kFloat);
    float* out = hwc.data_ptr<float>();
    const size_t rowBytes = size_t(width) * channels * sizeof(float);
    for (int row = 0; row < height; ++row)
        std::memcpy(out + int64_t(row) * width * channels,
                    image.row(y + row) + int64_t(x) * channels, rowBytes);
    return hwc.permute({2, 0, 1}).unsqueeze(0).contiguous();
}

at::Tensor imageToTensor(const Image& image)
{
    return imageToTensor(image, 0, 0, image.width(), image.height());
}

Image tensorToImage(const at::Tensor& tensor)
{
    at::Tensor chw = tensor.dim() == 4 ? tensor.squeeze(0) : tensor;
    if (chw.dim() != 3)
        throw Error(ErrorCode::InvalidArgument, "expected a [1, C, H, W] or [C, H, W] tensor");
    // hwc: [H, W, C] float32 on the CPU, contiguous.
    at::Tensor hwc = chw.to(at::kCPU, at::kFloat).permute({1, 2, 0}).contiguous();
    Image image(int(hwc.size(1)), int(hwc.size(0)), int(hwc.size(2)));
    std::memcpy(image.data(), hwc.data_ptr<float>(), size_t(hwc.numel()) * sizeof(float));
    return image;
}

} // namespace tessera

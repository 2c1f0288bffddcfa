#pragma once
/// Conversions between Image (HWC float32 on the host) and tensors in the
/// layout models take: [1, C, H, W].

#include "image/image.h"

#include <ATen/ATen.h>

namespace tessera {

/// Copies the region (x, y, width, height) of `image` into a new float32 CPU
/// tensor [1, C, height, width]. The region must lie inside the image.
at::Tensor imageToTensor(const Image& image, int x, int y, int width, int height);
/// The whole image as [1, C, H, W].
at::Tensor imageToTensor(const Image& image);

/// Copies a [1, C, H, W] or [C, H, W] tensor (any dtype or device) into a new
/// Image with C channels (1-4). Metadata is left empty.
Image tensorToImage(const at::Tensor& tensor);

} // namespace tessera

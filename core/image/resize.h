#pragma once
/// Resizing to an exact size, as the workflow's "upscale by" stage needs it:
/// ComfyUI's "center" crop to the target's aspect ratio, then antialiased
/// bicubic resampling (a filter that averages when shrinking, where ComfyUI's
/// default there, nearest-exact, drops pixels and aliases).

#include "image/image.h"

#include <ATen/ATen.h>

namespace tessera {

struct CropWindow {
    int x = 0, y = 0, width = 0, height = 0;
    bool operator==(const CropWindow&) const = default;
};

/// The centre crop of a w x h image to the aspect of width x height, as
/// ComfyUI's common_upscale(crop="center") cuts it: x = round((w - w *
/// (new_aspect / old_aspect)) / 2) columns off each side (or rows).
CropWindow centreCropForAspect(int w, int h, int width, int height);

/// pixels [B, C, H, W] float -> [B, C, height, width]: centre cropped, then
/// resampled; values that were within [0, 1] stay within it.
at::Tensor resizeCentreCropped(const at::Tensor& pixels, int width, int height);

/// resizeCentreCropped() of an image; the metadata is kept. Throws
/// Error(InvalidArgument) for sizes below 1.
Image resizeImage(const Image& image, int width, int height);

} // namespace tessera

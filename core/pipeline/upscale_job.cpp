#include "pipeline/upscale_job.h"

#include "common/error.h"

#include <algorithm>

namespace tessera {

TileModel tileModelFor(UpscaleModel& model, const DeviceSpec& device)
{
    const ModelInfo& info = model.info();
    TileModel tile;
    tile.scale = info.scale;
    tile.inputMultiple = std::max(1, info.inputMultiple);
    tile.inChannels = info.inChannels;
    tile.outChannels = info.outChannels;
    tile.receptiveRadius = info.receptiveRadius;
    tile.device = device;
    tile.precision = Precision::Fp32;
    // x: [N, inChannels, H, W] -> [N, outChannels, H * scale, W * scale]
    tile.forward = [&model](const at::Tensor& x) { return model.forward(x); };
    return tile;
}

TileModel withOutputScale(TileModel model, int scale)
{
    if (scale < 1)
        throw Error(ErrorCode::InvalidArgument, "the output scale must be at least 1");
    if (scale == model.scale)
        return model;
    const int native = model.scale.num; // upscale models have whole-number scales
    auto inner = model.forward;
    model.forward = [inner, native, scale](const at::Tensor& x) {
        // y: [N, C, H * native, W * native] -> [N, C, H * scale, W * scale]
        at::Tensor y = inner(x);
        if (scale < native && native % scale == 0)
            return at::avg_pool2d(y, native / scale);
        return at::upsample_bicubic2d(y.to(at::kFloat), {x.size(2) * scale, x.size(3) * scale}, false);
    };
    model.scale = scale;
    if (model.receptiveRadius >= 0)
        model.receptiveRadius += 2; // bicubic reaches two input pixels further
    return model;
}

} // namespace tessera

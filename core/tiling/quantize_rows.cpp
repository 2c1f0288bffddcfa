#include "tiling/quantize_rows.h"

namespace tessera {

at::Tensor quantizeTo8Bits(const at::Tensor& rows)
{
    at::Tensor scaled = rows.to(at::kFloat).mul(255.0); // a new tensor: the in-place steps below are ours
    scaled.add_(0.5);
    at::nan_to_num_(scaled, 0.0);
    scaled.clamp_(0.0, 255.0);
    return scaled.to(at::kByte); // truncates, as the cast in OpenImageIO's conversion does
}

} // namespace tessera

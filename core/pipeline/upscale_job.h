#pragma once
/// An upscale as the CLI, the GUI and the bench run it: a loaded UpscaleModel
/// seen by the tiled runner as a TileModel, at the model's scale or another.

#include "models/upscale_model.h"
#include "tiling/tile_model.h"

namespace tessera {

/// Wraps `model` (placed with model.to(device, precision); it must outlive the
/// returned TileModel) as the tiled runner's tile function. Tiles travel as
/// float32 and the model casts them to its own dtype on the device.
TileModel tileModelFor(UpscaleModel& model, const DeviceSpec& device);

/// Changes the output scale to `scale` by resizing each tile's output: area
/// averaging for whole-number reductions, bicubic otherwise. Both are local,
/// so the halo keeps tiles seamless. `scale` equal to the model's returns it
/// unchanged.
TileModel withOutputScale(TileModel model, int scale);

} // namespace tessera

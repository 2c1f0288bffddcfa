#pragma once
/// ncnn upscalers (.param text graph + .bin weights) executed with LibTorch ops.

#include "models/upscale_model.h"

#include <memory>
#include <string>

namespace tessera {

/// Loads `paramPath` and the .bin beside it (same stem).
std::unique_ptr<UpscaleModel> loadNcnnModel(const std::string& paramPath);

} // namespace tessera

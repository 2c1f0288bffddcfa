#pragma once
/// Converts the weights of an ncnn SRVGGNetCompact graph (Real-ESRGAN's
/// realesr-animevideov3-x4 and other "Compact" exports) into the PyTorch
/// checkpoint layout, so the same weights can run through our SRVGG
/// architecture and the two can be compared.

#include "models/state_dict.h"

#include <string>

namespace tessera {

/// Reads `paramPath` (and its .bin) and returns body.0.weight/bias (first
/// conv), body.1.weight (PReLU), ..., body.<2k>.weight/bias (last conv), as
/// float32 CPU tensors. The graph must be exactly Input, Split,
/// Convolution (PReLU Convolution)*, PixelShuffle, nearest Interp, BinaryOp
/// add; anything else is Error(UnsupportedModel) naming the first layer that
/// does not fit.
StateDict ncnnSrvggStateDict(const std::string& paramPath);

} // namespace tessera

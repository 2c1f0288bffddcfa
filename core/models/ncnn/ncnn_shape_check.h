#pragma once
/// Blob shapes of an ncnn graph from its .param alone, before anything is
/// allocated (internal to core/models/ncnn and the model registry).
///
/// Every blob is described against the graph's input of side S pixels:
/// `channels` planes of side `scale * S + border` (an upper bound: padding
/// adds to `border`, convolutions' kernels are not taken off), or a blob of
/// fixed size (global pooling, InnerProduct, Interp to a given size). A graph
/// passes when every blob fits the pixel budget: at most 16 times the input
/// side, and at most 4096 values per input pixel of a 64 x 64 input (256
/// channels at 4x, 64 channels at 8x; real upscalers need 1024 or less).

#include "models/ncnn/ncnn_param.h"

namespace tessera::ncnn {

/// What the check learns on the way.
struct GraphShape {
    /// Output side / input side of the graph's output blob (the last one no
    /// layer reads); 0 when the graph does not fix it (fixed-size output,
    /// a fractional scale).
    int scale = 0;
};

/// Throws Error(InvalidModel) "<file>:<line>: <Type> layer '<name>': ..." for
/// the first layer whose output is over the budget, and for an Input that
/// declares more than 4 channels or a size over the budget.
GraphShape checkBlobShapes(const GraphDesc& graph);

} // namespace tessera::ncnn

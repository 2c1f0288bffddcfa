#pragma once
/// An ncnn network built from a parsed .param and its .bin, run with
/// LibTorch ops (internal to core/models/ncnn).

#include "models/ncnn/ncnn_layers.h"
#include "models/ncnn/ncnn_param.h"
#include "models/ncnn/ncnn_weights.h"

#include <ATen/ATen.h>

#include <memory>
#include <string>
#include <vector>

namespace tessera::ncnn {

class Graph {
public:
    /// Builds every layer and reads its weights. Throws Error(UnsupportedModel)
    /// for unknown layer types, Error(InvalidModel) for a graph without one
    /// Input or for a .bin that is shorter or longer than the layers need.
    Graph(const GraphDesc& desc, WeightReader& weights, const std::string& sourceName);

    /// input: [N, C, H, W] -> the graph's output blob (the one no layer reads).
    /// Throws Error(InvalidArgument) naming the layer when an input does not
    /// fit it, Error(OutOfMemory) when memory runs out.
    at::Tensor run(const at::Tensor& input) const;

    void to(c10::Device device, c10::ScalarType dtype);
    int64_t parameterCount() const;
    /// Channels the Input layer declares (its parameter 2), or 0 if it does not say.
    int declaredInputChannels() const { return m_declaredInputChannels; }
    /// Pixels of input context that reach one output pixel, summed along the
    /// deepest path of convolutions, pooling and resampling. Global pooling
    /// (squeeze-excitation) paths are left out: they see the whole input.
    double receptiveRadius() const { return m_receptiveRadius; }
    /// True when some layer looks at the whole input (global pooling).
    bool hasGlobalLayers() const { return m_hasGlobalLayers; }

    struct Node {
        std::unique_ptr<Layer> layer;
        std::vector<int> inputs;  ///< blob indices
        std::vector<int> outputs; ///< blob indices
    };
    const std::vector<Node>& nodes() const { return m_nodes; }

private:
    void estimateReceptiveRadius();

    std::string m_source;
    std::vector<Node> m_nodes;
    std::vector<int> m_lastUse; ///< per blob: the last node that reads it
    int m_blobCount = 0;
    int m_inputBlob = -1;
    int m_outputBlob = -1;
    int m_declaredInputChannels = 0;
    double m_receptiveRadius = 0;
    bool m_hasGlobalLayers = false;
};

/// Reads `paramPath` and the .bin beside it (same stem) and builds the graph.
/// Throws Error(Io) when a file cannot be read or is not a regular file,
/// Error(InvalidModel) for blob shapes over the pixel budget (checked from the
/// .param before any weight is read, see ncnn_shape_check.h), plus Graph's errors.
std::unique_ptr<Graph> loadGraph(const std::string& paramPath);

/// The .bin path that goes with a .param path.
std::string binPathFor(const std::string& paramPath);

} // namespace tessera::ncnn

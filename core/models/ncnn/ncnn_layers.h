#pragma once
/// ncnn layers executed with LibTorch ops (internal to core/models/ncnn).
///
/// Blobs are tensors with a batch dimension in front of ncnn's own dims,
/// outer to inner: a 3-d ncnn blob (c, h, w) is [N, C, H, W], a 2-d one
/// (h, w) is [N, H, W], a 1-d one (w) is [N, W]. ncnn's "dims" of a blob is
/// therefore tensor.dim() - 1.

#include "models/ncnn/ncnn_param.h"
#include "models/ncnn/ncnn_weights.h"

#include <ATen/ATen.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tessera::ncnn {

/// How a layer changes the spatial grid, for the receptive-radius estimate.
struct Footprint {
    double halfKernelIn = 0;  ///< reach in the layer's input pixels (conv, pooling)
    double halfKernelOut = 0; ///< reach in the layer's output pixels (deconvolution)
    double scale = 1;         ///< output size / input size
    bool global = false;      ///< every output depends on the whole input (global pooling)
};

/// The computation of a layer: inputs and the layer's weights -> outputs.
using ForwardFn = std::function<std::vector<at::Tensor>(const std::vector<at::Tensor>& inputs,
                                                        const std::vector<at::Tensor>& weights)>;

class Layer {
public:
    Layer(std::string type, std::string name, std::vector<at::Tensor> weights, ForwardFn forward,
          Footprint footprint = {});

    const std::string& type() const { return m_type; }
    const std::string& name() const { return m_name; }
    std::vector<at::Tensor> forward(const std::vector<at::Tensor>& inputs) const;
    /// Moves and casts the weights.
    void to(c10::Device device, c10::ScalarType dtype);
    /// The weights as torch would hold them (conv: [out, in, kh, kw]).
    const std::vector<at::Tensor>& weights() const { return m_weights; }
    int64_t parameterCount() const;
    const Footprint& footprint() const { return m_footprint; }

private:
    std::string m_type;
    std::string m_name;
    std::vector<at::Tensor> m_weights;
    ForwardFn m_forward;
    Footprint m_footprint;
};

/// Builds the layer `desc` and reads its weights from `weights`.
/// Throws Error(UnsupportedModel) naming the layer type when we do not know
/// it (or one of its options), Error(InvalidModel) for impossible parameters.
std::unique_ptr<Layer> createLayer(const LayerDesc& desc, WeightReader& weights);

/// True when `prelu` is a PReLU that reads the single output of
/// `convolution`, a Convolution without a fused activation, with one slope
/// or one per output channel. (The caller checks that no other layer reads
/// that output.) Such pairs are built as one layer: makeConvolutionWithPRelu.
bool convolutionTakesPRelu(const LayerDesc& convolution, const LayerDesc& prelu);
/// The Convolution with the PReLU that follows it as its epilogue, one pass
/// over the output instead of two (models/bias_activation.h); reads both
/// layers' weights, in the .bin's order.
std::unique_ptr<Layer> makeConvolutionWithPRelu(const LayerDesc& convolution, const LayerDesc& prelu,
                                                WeightReader& weights);

/// The upscale factor r when `add` is a BinaryOp add of the output of
/// `shuffle`, a PixelShuffle by r in PyTorch's channel order, and of
/// `interp`, an Interp by r (nearest, by scale); 0 otherwise. (The caller
/// checks that no other layer reads the two.) SRVGG's tail; such triples are
/// built as one layer: makePixelShuffleAdd.
int64_t pixelShuffleAddFactor(const LayerDesc& add, const LayerDesc& shuffle, const LayerDesc& interp);
/// shuffle(a) + interp(b) as one layer with inputs {a, b} (the two layers'
/// inputs): one pass over the output on CUDA (models/pixel_shuffle_add.h).
std::unique_ptr<Layer> makePixelShuffleAdd(const LayerDesc& add, const LayerDesc& shuffle, const LayerDesc& interp);

/// The layer types createLayer knows.
std::vector<std::string> supportedLayerTypes();

} // namespace tessera::ncnn

#pragma once
/// Shared helpers of the ncnn layer files (internal to core/models/ncnn).

#include "models/ncnn/ncnn_layers.h"

#include <string>
#include <vector>

namespace tessera::ncnn {

using LayerMaker = std::unique_ptr<Layer> (*)(const LayerDesc& desc, WeightReader& weights);

/// Throws Error(InvalidModel) unless `desc` has `inputs` inputs and `outputs` outputs.
void requireBlobs(const LayerDesc& desc, int inputs, int outputs);
/// Throws Error(UnsupportedModel) naming the layer and the option.
[[noreturn]] void unsupportedOption(const LayerDesc& desc, const std::string& what);
/// Throws Error(InvalidModel) naming the layer.
[[noreturn]] void invalidLayer(const LayerDesc& desc, const std::string& what);
/// Throws Error(InvalidArgument) naming the layer, for inputs it cannot take.
[[noreturn]] void badInput(const std::string& type, const std::string& name, const std::string& what);

/// The activation fused into Convolution / Deconvolution / InnerProduct
/// (ncnn's activation_type 0-6 with its activation_params).
struct FusedActivation {
    int type = 0;
    std::vector<float> params;
};
FusedActivation readFusedActivation(const LayerDesc& desc);
at::Tensor applyActivation(const at::Tensor& x, const FusedActivation& activation);

/// ncnn's broadcasting of a lower-rank blob against a higher-rank one: a 1-d
/// blob whose length equals the other's first dim (channels, or rows for
/// 2-d) runs along it, else along the last dim; a 2-d or 3-d blob gets
/// trailing unit dims. Returns `a` reshaped so torch broadcasting matches.
at::Tensor expandLike(const at::Tensor& a, const at::Tensor& other);

// Makers, one per layer type (or family), defined in ncnn_layers_*.cpp.
std::unique_ptr<Layer> makeConvolution(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeDeconvolution(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeInnerProduct(const LayerDesc& desc, WeightReader& weights);

std::unique_ptr<Layer> makeActivation(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makePRelu(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeUnaryOp(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeBinaryOp(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeEltwise(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeScale(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeBias(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeBatchNorm(const LayerDesc& desc, WeightReader& weights);

std::unique_ptr<Layer> makeIdentity(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeConcat(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeSlice(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeCrop(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makePadding(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makePooling(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeInterp(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makePixelShuffle(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeReshape(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeFlatten(const LayerDesc& desc, WeightReader& weights);
std::unique_ptr<Layer> makeSoftmax(const LayerDesc& desc, WeightReader& weights);

} // namespace tessera::ncnn

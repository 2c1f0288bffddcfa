#include "models/ncnn/ncnn_shape_check.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace tessera::ncnn {
namespace {

constexpr double kMaxScale = 16;
constexpr int kMaxInputChannels = 4; // an image: gray, gray + alpha, RGB, RGBA
// The budget is stated for an input of this side (a probe run is 16 to 224 px).
constexpr double kReferenceSide = 64;
constexpr double kValuesPerInputPixel = 4096;
constexpr double kBudget = kValuesPerInputPixel * kReferenceSide * kReferenceSide; // 16.8M values

/// One blob against an input of side S: `channels` x (scale S + border)^2, or
/// `channels` x `fixedPixels` when its size does not depend on the input.
struct BlobShape {
    double channels = 3;
    double scale = 1;
    double border = 0;
    bool fixed = false;
    double fixedPixels = 1;

    double side() const { return scale * kReferenceSide + border; }
    double values() const { return channels * (fixed ? fixedPixels : side() * side()); }
};

std::string number(double value)
{
    char text[32];
    if (value >= 1e6)
        std::snprintf(text, sizeof text, "%.3g", value);
    else
        std::snprintf(text, sizeof text, "%.0f", value);
    return text;
}

[[noreturn]] void overBudget(const LayerDesc& layer, const std::string& what)
{
    throw Error(ErrorCode::InvalidModel, layerLocation(layer) + ": " + what);
}

// Pads of ncnn's -233 / -234 (SAME) keep the size: they count as 0 here.
double positive(int value)
{
    return value > 0 ? double(value) : 0.0;
}

BlobShape inputShape(const LayerDesc& layer)
{
    const ParamDict& p = layer.params;
    const int w = p.getInt(0, 0), h = p.getInt(1, 0), c = p.getInt(2, 0);
    if (c > kMaxInputChannels)
        overBudget(layer, "declares " + std::to_string(c) + " input channels; an image has at most "
                              + std::to_string(kMaxInputChannels));
    BlobShape shape;
    shape.channels = c > 0 ? c : 3;
    if (w > 0 && h > 0 && double(w) * double(h) * shape.channels > kBudget)
        overBudget(layer, "declares a " + std::to_string(w) + " x " + std::to_string(h) + " x "
                              + std::to_string(int(shape.channels)) + " input, " + number(double(w) * h * shape.channels)
                              + " values, more than the budget of " + number(kBudget));
    return shape;
}

// Convolution and pooling: side -> (side + pads) / stride, plus one for the rounding.
void stride(BlobShape& shape, int strideW, int strideH, double pads)
{
    const double s = std::max(1, std::min(strideW, strideH));
    shape.scale /= s;
    shape.border = (shape.border + pads) / s + (s > 1 ? 1 : 0);
}

void enlarge(BlobShape& shape, double factor)
{
    shape.scale *= factor;
    shape.border *= factor;
}

// The output of one layer from its inputs.
BlobShape outputShape(const LayerDesc& layer, const std::vector<BlobShape>& in)
{
    const ParamDict& p = layer.params;
    const std::string& type = layer.type;
    if (type == "Input")
        return inputShape(layer);
    BlobShape out = in.empty() ? BlobShape{} : in[0]; // no input: createLayer refuses it
    if (type == "Convolution" || type == "ConvolutionDepthWise") {
        out.channels = std::max(1, p.getInt(0, 0));
        const int padLeft = p.getInt(4, 0), padTop = p.getInt(14, padLeft);
        const double pads = std::max(positive(padLeft) + positive(p.getInt(15, padLeft)),
                                     positive(padTop) + positive(p.getInt(16, padTop)));
        const int strideW = p.getInt(3, 1);
        stride(out, strideW, p.getInt(13, strideW), pads);
    } else if (type == "Deconvolution" || type == "DeconvolutionDepthWise") {
        // side -> (side - 1) * stride + dilation * (kernel - 1) + 1 + output padding
        out.channels = std::max(1, p.getInt(0, 0));
        const int kernelW = p.getInt(1, 0), dilationW = p.getInt(2, 1), strideW = p.getInt(3, 1);
        const double extent = std::max(positive(dilationW) * (positive(kernelW) - 1),
                                       positive(p.getInt(12, dilationW)) * (positive(p.getInt(11, kernelW)) - 1));
        enlarge(out, std::max(positive(strideW), positive(p.getInt(13, strideW))));
        out.border += extent + 1 + positive(p.getInt(18, 0)) + positive(p.getInt(19, 0));
    } else if (type == "InnerProduct") {
        out.channels = std::max(1, p.getInt(0, 0));
        out.fixed = true;
        out.fixedPixels = 1;
    } else if (type == "Interp") {
        const double height = p.getFloat(1, 1.f), width = p.getFloat(2, 1.f);
        const int outH = p.getInt(3, 0), outW = p.getInt(4, 0);
        if (p.getInt(5, 0) != 0 && in.size() > 1) { // the size of a reference blob
            const double channels = out.channels;
            out = in[1];
            out.channels = channels;
        } else if (outH > 0 && outW > 0) {
            out.fixed = true;
            out.fixedPixels = double(outH) * double(outW);
        } else {
            enlarge(out, std::max({height, width, 0.0}));
        }
    } else if (type == "PixelShuffle") {
        const double r = std::max(1, p.getInt(0, 1));
        out.channels = std::max(1.0, out.channels / (r * r));
        enlarge(out, r);
    } else if (type == "Pooling") {
        if (p.getInt(4, 0) != 0 || p.getInt(7, 0) != 0) { // global or adaptive
            const int outW = p.getInt(8, 0), outH = p.getInt(18, outW);
            out.fixed = true;
            out.fixedPixels = p.getInt(4, 0) != 0 ? 1.0 : positive(outW) * positive(outH);
        } else {
            const int padLeft = p.getInt(3, 0), padTop = p.getInt(13, padLeft);
            const double pads = std::max(positive(padLeft) + positive(p.getInt(14, padLeft)),
                                         positive(padTop) + positive(p.getInt(15, padTop)));
            const int strideW = p.getInt(2, 1);
            // ncnn's "full" padding may add up to one stride on the right and bottom.
            stride(out, strideW, p.getInt(12, strideW), pads + positive(strideW));
        }
    } else if (type == "Padding") {
        out.border += std::max(positive(p.getInt(0, 0)) + positive(p.getInt(1, 0)),
                               positive(p.getInt(2, 0)) + positive(p.getInt(3, 0)));
        out.channels += positive(p.getInt(7, 0)) + positive(p.getInt(8, 0));
    } else if (type == "Concat") {
        const bool channels = p.getInt(0, 0) == 0 || p.getInt(0, 0) == -3;
        for (size_t i = 1; i < in.size(); ++i) {
            if (channels) {
                out.channels += in[i].channels;
            } else { // along a side: the sides add up
                out.scale += in[i].scale;
                out.border += in[i].border;
                out.fixedPixels += in[i].fixedPixels;
            }
        }
    } else if (type == "BinaryOp" || type == "Eltwise") {
        // Broadcasting: as large as the largest input along each of them.
        for (size_t i = 1; i < in.size(); ++i) {
            out.channels = std::max(out.channels, in[i].channels);
            if (out.fixed && !in[i].fixed) {
                out.fixed = false;
                out.scale = in[i].scale;
                out.border = in[i].border;
            } else if (!in[i].fixed) {
                out.scale = std::max(out.scale, in[i].scale);
                out.border = std::max(out.border, in[i].border);
            }
            out.fixedPixels = std::max(out.fixedPixels, in[i].fixedPixels);
        }
    }
    // Every other layer (activations, Split, Slice, Crop, Reshape, ...) keeps or
    // shrinks its first input's values: the bound carries over.
    return out;
}

void checkBudget(const LayerDesc& layer, const BlobShape& shape)
{
    if (!shape.fixed && shape.scale > kMaxScale)
        overBudget(layer, "enlarges the input " + number(shape.scale) + " times by its output, more than the "
                              + number(kMaxScale) + " an upscaler can need");
    if (shape.values() > kBudget)
        overBudget(layer, "its output would hold " + number(shape.values()) + " values for a "
                              + number(kReferenceSide) + " x " + number(kReferenceSide)
                              + " input, more than the pixel budget of " + number(kBudget) + " ("
                              + number(kValuesPerInputPixel) + " per input pixel)");
}

} // namespace

GraphShape checkBlobShapes(const GraphDesc& graph)
{
    std::map<std::string, BlobShape> blobs;
    std::set<std::string> read;
    std::string output;
    for (const LayerDesc& layer : graph.layers) {
        std::vector<BlobShape> in;
        for (const std::string& name : layer.inputs) {
            in.push_back(blobs.at(name)); // parseParam checked that it was produced before
            read.insert(name);
        }
        const BlobShape shape = outputShape(layer, in);
        checkBudget(layer, shape);
        for (const std::string& name : layer.outputs)
            blobs[name] = shape;
    }
    // The output: the last blob produced that no layer reads (as Graph takes it).
    for (auto layer = graph.layers.rbegin(); layer != graph.layers.rend() && output.empty(); ++layer)
        for (const std::string& name : layer->outputs)
            if (!read.count(name) && layer->type != "Input") {
                output = name;
                break;
            }
    GraphShape result;
    const auto found = blobs.find(output);
    if (found != blobs.end() && !found->second.fixed && found->second.scale >= 1
        && std::abs(found->second.scale - std::round(found->second.scale)) < 1e-6)
        result.scale = int(std::round(found->second.scale));
    return result;
}

} // namespace tessera::ncnn

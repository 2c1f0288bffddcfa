// ncnn layers that move or resample values: Input/Split/Noop, Concat, Slice,
// Crop, Padding, Pooling, Interp, PixelShuffle (also with an Interp added,
// SRVGG's tail), Reshape, Flatten, Softmax.

#include "models/ncnn/ncnn_layers_impl.h"

#include "models/pixel_shuffle_add.h"

#include <cmath>
#include <limits>

namespace tessera::ncnn {

namespace {

constexpr int kAuto = -233; // ncnn's "not set / take from the input" marker

// ncnn axis (negative counts from the end of ncnn's dims) -> tensor dim.
int64_t tensorDim(int axis, const at::Tensor& x)
{
    const int64_t dims = x.dim() - 1;
    const int64_t positive = axis < 0 ? dims + axis : axis;
    return positive + 1;
}

std::unique_ptr<Layer> simple(const LayerDesc& desc, ForwardFn forward, Footprint footprint = {})
{
    return std::make_unique<Layer>(desc.type, desc.name, std::vector<at::Tensor>{}, std::move(forward), footprint);
}

} // namespace

std::unique_ptr<Layer> makeIdentity(const LayerDesc& desc, WeightReader&)
{
    // Input is fed by the graph; Split hands its input to every output; Noop passes it on.
    if (desc.type == "Input") {
        requireBlobs(desc, 0, 1);
    } else if (desc.inputs.size() != 1 || desc.outputs.empty()) {
        invalidLayer(desc, "expects one input and at least one output");
    }
    const size_t outputs = desc.outputs.size();
    return simple(desc, [outputs](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
        return std::vector<at::Tensor>(outputs, in.at(0));
    });
}

std::unique_ptr<Layer> makeConcat(const LayerDesc& desc, WeightReader&)
{
    if (desc.inputs.empty() || desc.outputs.size() != 1)
        invalidLayer(desc, "expects inputs and one output");
    const int axis = desc.params.getInt(0, 0);
    const std::string type = desc.type, name = desc.name;
    return simple(desc, [axis, type, name](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
        const int64_t dim = tensorDim(axis, in[0]);
        if (dim < 1 || dim >= in[0].dim())
            badInput(type, name, "axis " + std::to_string(axis) + " outside the blob");
        return std::vector<at::Tensor>{at::cat(in, dim)};
    });
}

std::unique_ptr<Layer> makeSlice(const LayerDesc& desc, WeightReader&)
{
    if (desc.inputs.size() != 1 || desc.outputs.empty())
        invalidLayer(desc, "expects one input and outputs");
    const std::vector<int> slices = desc.params.getInts(0);
    const int axis = desc.params.getInt(1, 0);
    if (desc.params.has(2))
        unsupportedOption(desc, "slicing by indices");
    if (slices.size() != desc.outputs.size())
        invalidLayer(desc, "has " + std::to_string(slices.size()) + " slices for " + std::to_string(desc.outputs.size())
                               + " outputs");
    const std::string type = desc.type, name = desc.name;
    return simple(desc, [slices, axis, type, name](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
        const at::Tensor& x = in[0];
        const int64_t dim = tensorDim(axis, x);
        if (dim < 1 || dim >= x.dim())
            badInput(type, name, "axis outside the blob");
        std::vector<at::Tensor> out;
        int64_t start = 0;
        const int64_t total = x.size(dim);
        for (size_t i = 0; i < slices.size(); ++i) {
            // -233: an equal share of what is left
            const int64_t length = slices[i] == kAuto ? (total - start) / int64_t(slices.size() - i) : slices[i];
            if (length < 0 || start + length > total)
                badInput(type, name, "slices exceed the blob");
            out.push_back(x.narrow(dim, start, length));
            start += length;
        }
        return out;
    });
}

std::unique_ptr<Layer> makeCrop(const LayerDesc& desc, WeightReader&)
{
    const ParamDict& p = desc.params;
    if (p.has(19) || p.has(20) || p.has(21))
        unsupportedOption(desc, "crop by expression");
    // Per ncnn axis, outer to inner (c, d, h, w): offset, offset from the end, size.
    struct Axis { int offset, offset2, size; };
    const Axis c{p.getInt(2, 0), p.getInt(8, 0), p.getInt(5, 0)};
    const Axis d{p.getInt(13, 0), p.getInt(15, 0), p.getInt(14, 0)};
    const Axis h{p.getInt(1, 0), p.getInt(7, 0), p.getInt(4, 0)};
    const Axis w{p.getInt(0, 0), p.getInt(6, 0), p.getInt(3, 0)};
    const std::vector<int> starts = p.getInts(9), ends = p.getInts(10), axes = p.getInts(11);
    const bool numpyStyle = !starts.empty() && !ends.empty();
    if (numpyStyle && (starts.size() != ends.size() || (!axes.empty() && axes.size() != starts.size())))
        invalidLayer(desc, "starts, ends and axes differ in length");
    if (w.offset == kAuto)
        unsupportedOption(desc, "crop parameters from a blob");
    const bool byReference = desc.inputs.size() == 2;
    if (!byReference)
        requireBlobs(desc, 1, 1);
    else
        requireBlobs(desc, 2, 1);
    const std::string type = desc.type, name = desc.name;

    ForwardFn forward = [=](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
        const at::Tensor& x = in[0];
        const int64_t dims = x.dim() - 1;
        if (dims < 1 || dims > 4)
            badInput(type, name, "unsupported blob rank");
        // The ncnn axes of this blob, outer to inner, and their tensor dims.
        std::vector<Axis> params;
        if (dims == 4) params = {c, d, h, w};
        if (dims == 3) params = {c, h, w};
        if (dims == 2) params = {h, w};
        if (dims == 1) params = {w};
        std::vector<int64_t> offset(static_cast<size_t>(dims), 0), length(static_cast<size_t>(dims));
        for (int64_t i = 0; i < dims; ++i)
            length[size_t(i)] = x.size(i + 1);

        if (byReference) {
            // Offsets from the parameters, sizes from the reference blob's
            // spatial dims (and channels when it has them).
            const at::Tensor& ref = in[1];
            const int64_t refDims = ref.dim() - 1;
            for (int64_t i = 0; i < dims; ++i) {
                offset[size_t(i)] = params[size_t(i)].offset;
                const bool isChannel = dims >= 3 && i == 0;
                if (!isChannel)
                    length[size_t(i)] = ref.size(ref.dim() - dims + i);
                else if (refDims == dims)
                    length[size_t(i)] = ref.size(1);
                else
                    length[size_t(i)] = x.size(1) - offset[size_t(i)];
            }
        } else if (numpyStyle) {
            for (size_t k = 0; k < starts.size(); ++k) {
                int64_t axis = axes.empty() ? int64_t(k) : axes[k];
                if (axis < 0)
                    axis += dims;
                if (axis < 0 || axis >= dims)
                    badInput(type, name, "axis outside the blob");
                const int64_t size = x.size(axis + 1);
                int64_t start = starts[k] == kAuto ? 0 : starts[k];
                int64_t end = ends[k] == kAuto ? size : ends[k];
                start = start >= 0 ? start : size + start;
                // ncnn reads an end of 0 or below as counted from the end.
                end = std::min(size, end > 0 ? end : size + end);
                offset[size_t(axis)] = start;
                length[size_t(axis)] = end - start;
            }
        } else {
            for (int64_t i = 0; i < dims; ++i) {
                const Axis& a = params[size_t(i)];
                offset[size_t(i)] = a.offset;
                length[size_t(i)] = x.size(i + 1) - a.offset - a.offset2;
                // ncnn: a given size caps the crop; we also read 0 as "not given".
                if (a.size != kAuto && a.size > 0)
                    length[size_t(i)] = std::min<int64_t>(a.size, length[size_t(i)]);
            }
        }
        at::Tensor y = x;
        for (int64_t i = 0; i < dims; ++i) {
            const int64_t o = offset[size_t(i)], l = length[size_t(i)];
            if (o < 0 || l <= 0 || o + l > x.size(i + 1))
                badInput(type, name, "crop [" + std::to_string(o) + ", " + std::to_string(o + l) + ") outside a blob of "
                                         + std::to_string(x.size(i + 1)) + " along axis " + std::to_string(i));
            if (o != 0 || l != x.size(i + 1))
                y = y.narrow(i + 1, o, l);
        }
        return std::vector<at::Tensor>{y};
    };
    return simple(desc, std::move(forward));
}

std::unique_ptr<Layer> makePadding(const LayerDesc& desc, WeightReader& reader)
{
    requireBlobs(desc, 1, 1);
    const ParamDict& p = desc.params;
    const int64_t top = p.getInt(0, 0), bottom = p.getInt(1, 0), left = p.getInt(2, 0), right = p.getInt(3, 0);
    const int mode = p.getInt(4, 0);
    const double value = p.getFloat(5, 0.f);
    const int perChannel = p.getInt(6, 0);
    const int64_t front = p.getInt(7, 0), behind = p.getInt(8, 0);
    if (top < 0 || bottom < 0 || left < 0 || right < 0 || front < 0 || behind < 0)
        invalidLayer(desc, "negative padding");
    if (mode < 0 || mode > 2)
        unsupportedOption(desc, "padding type " + std::to_string(mode));
    if (mode != 0 && (front || behind))
        unsupportedOption(desc, "channel padding that is not constant");
    std::vector<at::Tensor> w;
    if (perChannel > 0)
        w.push_back(reader.readRaw(perChannel, desc.name + " per-channel values"));
    if (perChannel > 0 && (front || behind))
        unsupportedOption(desc, "per-channel values with channel padding");
    const std::string type = desc.type, name = desc.name;
    ForwardFn forward = [=](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>& weights) {
        const at::Tensor& x = in[0];
        if (x.dim() == 2 && (top || bottom || front || behind))
            badInput(type, name, "cannot pad rows of a 1-d blob");
        if (mode == 0) {
            std::vector<int64_t> pads{left, right};
            if (x.dim() >= 3)
                pads.insert(pads.end(), {top, bottom});
            if (x.dim() >= 4 && (front || behind))
                pads.insert(pads.end(), {front, behind});
            if (weights.empty())
                return std::vector<at::Tensor>{at::constant_pad_nd(x, pads, value)};
            // Each channel has its own border value: pad with 0, fill the border.
            if (x.dim() != 4 || x.size(1) != weights[0].numel())
                badInput(type, name, "per-channel values do not match the channels");
            const at::Tensor inside = at::constant_pad_nd(at::ones_like(x.narrow(1, 0, 1)), pads, 0.0);
            const at::Tensor padded = at::constant_pad_nd(x, pads, 0.0);
            return std::vector<at::Tensor>{padded + (1 - inside) * weights[0].view({1, -1, 1, 1})};
        }
        if (x.dim() != 4)
            badInput(type, name, "replicate/reflect padding needs a 3-d blob");
        if (mode == 2 && (top >= x.size(2) || bottom >= x.size(2) || left >= x.size(3) || right >= x.size(3)))
            badInput(type, name, "reflect padding larger than the blob");
        const std::vector<int64_t> pads{left, right, top, bottom};
        return std::vector<at::Tensor>{mode == 1 ? at::replication_pad2d(x, pads) : at::reflection_pad2d(x, pads)};
    };
    return std::make_unique<Layer>(desc.type, desc.name, std::move(w), std::move(forward));
}

std::unique_ptr<Layer> makePooling(const LayerDesc& desc, WeightReader&)
{
    requireBlobs(desc, 1, 1);
    const ParamDict& p = desc.params;
    const int poolType = p.getInt(0, 0);
    const int kernelW = p.getInt(1, 0), kernelH = p.getInt(11, kernelW);
    const int strideW = p.getInt(2, 1), strideH = p.getInt(12, strideW);
    const int padLeft = p.getInt(3, 0), padRight = p.getInt(14, padLeft);
    const int padTop = p.getInt(13, padLeft), padBottom = p.getInt(15, padTop);
    const bool global = p.getInt(4, 0) != 0;
    const int padMode = p.getInt(5, 0);
    const bool countIncludePad = p.getInt(6, 0) != 0;
    const bool adaptive = p.getInt(7, 0) != 0;
    const int outW = p.getInt(8, 0), outH = p.getInt(18, outW);
    if (poolType != 0 && poolType != 1)
        unsupportedOption(desc, "pooling_type " + std::to_string(poolType));
    if (!global && !adaptive && (kernelW <= 0 || kernelH <= 0 || strideW <= 0 || strideH <= 0))
        invalidLayer(desc, "kernel and stride must be positive");
    if (adaptive && !global && (outW <= 0 || outH <= 0))
        invalidLayer(desc, "adaptive pooling needs out_w and out_h");
    if (padMode < 0 || padMode > 3)
        unsupportedOption(desc, "pad_mode " + std::to_string(padMode));
    const bool isMax = poolType == 0;
    const std::string type = desc.type, name = desc.name;

    Footprint footprint;
    footprint.global = global || adaptive;
    footprint.halfKernelIn = (std::max(kernelW, kernelH) - 1) / 2.0;
    footprint.scale = strideW > 0 ? 1.0 / strideW : 1.0;

    ForwardFn forward = [=](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
        const at::Tensor& x = in[0];
        if (x.dim() != 4)
            badInput(type, name, "expects a 3-d blob");
        if (global) {
            // -> a 1-d blob of channels: [N, C]
            const at::Tensor flat = x.flatten(2);
            return std::vector<at::Tensor>{isMax ? std::get<0>(flat.max(2)) : flat.mean(2)};
        }
        if (adaptive) {
            const std::vector<int64_t> size{outH, outW};
            return std::vector<at::Tensor>{isMax ? std::get<0>(at::adaptive_max_pool2d(x, size))
                                                 : at::adaptive_avg_pool2d(x, size)};
        }
        const int64_t h = x.size(2), w = x.size(3);
        int64_t l = padLeft, r = padRight, t = padTop, b = padBottom;
        if (padMode == 0) {
            // "full padding": extra right/bottom so the last window fits (ceil mode)
            const int64_t wtail = (w + l + r - kernelW) % strideW;
            const int64_t htail = (h + t + b - kernelH) % strideH;
            if (wtail != 0) r += strideW - wtail;
            if (htail != 0) b += strideH - htail;
        } else if (padMode >= 2) {
            const int64_t wpad = kernelW + (w - 1) / strideW * strideW - w;
            const int64_t hpad = kernelH + (h - 1) / strideH * strideH - h;
            const bool upper = padMode == 2;
            l = r = t = b = 0;
            if (wpad > 0 || hpad > 0) {
                const int64_t wp = std::max<int64_t>(wpad, 0), hp = std::max<int64_t>(hpad, 0);
                l = upper ? wp / 2 : wp - wp / 2;
                r = wp - l;
                t = upper ? hp / 2 : hp - hp / 2;
                b = hp - t;
            }
        }
        if (h + t + b < kernelH || w + l + r < kernelW)
            badInput(type, name, "input smaller than the pooling window");
        const std::vector<int64_t> pads{l, r, t, b};
        const std::vector<int64_t> kernel{kernelH, kernelW}, stride{strideH, strideW};
        if (isMax) {
            const at::Tensor padded = at::constant_pad_nd(x, pads, -std::numeric_limits<double>::infinity());
            return std::vector<at::Tensor>{at::max_pool2d(padded, kernel, stride)};
        }
        const at::Tensor sum = at::avg_pool2d(at::constant_pad_nd(x, pads, 0.0), kernel, stride) * double(kernelW * kernelH);
        if (countIncludePad && padMode != 2 && padMode != 3) {
            // ncnn divides by the window size, tail padding included
            return std::vector<at::Tensor>{sum / double(kernelW * kernelH)};
        }
        // ncnn counts only pixels inside the image (for SAME modes it always
        // excludes the padding)
        const at::Tensor ones = at::ones({1, 1, h, w}, x.options());
        const at::Tensor count = at::avg_pool2d(at::constant_pad_nd(ones, pads, 0.0), kernel, stride)
            * double(kernelW * kernelH);
        return std::vector<at::Tensor>{sum / count};
    };
    return simple(desc, std::move(forward), footprint);
}

std::unique_ptr<Layer> makeInterp(const LayerDesc& desc, WeightReader&)
{
    const ParamDict& p = desc.params;
    const int resizeType = p.getInt(0, 0);
    const float heightScale = p.getFloat(1, 1.f), widthScale = p.getFloat(2, 1.f);
    const int outputHeight = p.getInt(3, 0), outputWidth = p.getInt(4, 0);
    const bool dynamicSize = p.getInt(5, 0) != 0;
    const bool alignCorner = p.getInt(6, 0) != 0;
    if (p.has(9))
        unsupportedOption(desc, "size expression");
    if (resizeType < 1 || resizeType > 3)
        unsupportedOption(desc, "resize_type " + std::to_string(resizeType));
    requireBlobs(desc, dynamicSize ? 2 : 1, 1);
    const std::string type = desc.type, name = desc.name;
    Footprint footprint;
    footprint.scale = (outputHeight == 0 || outputWidth == 0) ? widthScale : 1.0;
    footprint.halfKernelIn = resizeType == 3 ? 2 : resizeType == 2 ? 1 : 0;

    ForwardFn forward = [=](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
        const at::Tensor& x = in[0];
        if (x.dim() != 4)
            badInput(type, name, "expects a 3-d blob");
        int64_t outH = outputHeight, outW = outputWidth;
        bool byScale = false;
        if (dynamicSize) {
            outH = in[1].size(in[1].dim() - 2);
            outW = in[1].size(in[1].dim() - 1);
        } else if (outH == 0 || outW == 0) {
            outH = int64_t(x.size(2) * heightScale);
            outW = int64_t(x.size(3) * widthScale);
            byScale = true;
        }
        if (outH <= 0 || outW <= 0)
            badInput(type, name, "output size is empty");
        const std::vector<int64_t> size{outH, outW};
        if (resizeType == 1) {
            // ncnn's nearest maps with 1/scale when a scale is given, else in/out:
            // the same rule as torch with and without scales.
            c10::optional<double> sh, sw;
            if (byScale) {
                sh = double(heightScale);
                sw = double(widthScale);
            }
            return std::vector<at::Tensor>{at::upsample_nearest2d(x, size, sh, sw)};
        }
        // Bilinear and bicubic map with in/out (half-pixel centres, or corners
        // aligned); ncnn's border rules match torch's clamping.
        if (resizeType == 2)
            return std::vector<at::Tensor>{at::upsample_bilinear2d(x, size, alignCorner)};
        return std::vector<at::Tensor>{at::upsample_bicubic2d(x, size, alignCorner)};
    };
    return simple(desc, std::move(forward), footprint);
}

std::unique_ptr<Layer> makePixelShuffle(const LayerDesc& desc, WeightReader&)
{
    requireBlobs(desc, 1, 1);
    const int64_t r = desc.params.getInt(0, 1);
    const int mode = desc.params.getInt(1, 0);
    if (r <= 0)
        invalidLayer(desc, "upscale_factor must be positive");
    if (mode != 0 && mode != 1)
        unsupportedOption(desc, "mode " + std::to_string(mode));
    const std::string type = desc.type, name = desc.name;
    Footprint footprint;
    footprint.scale = double(r);
    ForwardFn forward = [=](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
        // x: [N, C * r * r, H, W]
        const at::Tensor& x = in[0];
        if (x.dim() != 4 || x.size(1) % (r * r) != 0)
            badInput(type, name, "channels are not a multiple of upscale_factor^2");
        if (mode == 0)
            return std::vector<at::Tensor>{at::pixel_shuffle(x, r)};
        // mode 1: channel = (sh * r + sw) * outc + c
        const int64_t n = x.size(0), c = x.size(1) / (r * r), h = x.size(2), w = x.size(3);
        return std::vector<at::Tensor>{
            x.reshape({n, r, r, c, h, w}).permute({0, 3, 4, 1, 5, 2}).reshape({n, c, h * r, w * r})};
    };
    return simple(desc, std::move(forward), footprint);
}

int64_t pixelShuffleAddFactor(const LayerDesc& add, const LayerDesc& shuffle, const LayerDesc& interp)
{
    const ParamDict& a = add.params;
    const ParamDict& s = shuffle.params;
    const ParamDict& i = interp.params;
    const int64_t r = s.getInt(0, 1);
    const bool addOfBoth = add.type == "BinaryOp" && a.getInt(0, 0) == 0 && a.getInt(1, 0) == 0
        && add.inputs.size() == 2 && add.outputs.size() == 1 && shuffle.outputs.size() == 1
        && interp.outputs.size() == 1
        && ((add.inputs[0] == shuffle.outputs[0] && add.inputs[1] == interp.outputs[0])
            || (add.inputs[1] == shuffle.outputs[0] && add.inputs[0] == interp.outputs[0]));
    const bool shuffleByR = shuffle.type == "PixelShuffle" && r >= 1 && s.getInt(1, 0) == 0 && shuffle.inputs.size() == 1;
    const bool nearestByR = interp.type == "Interp" && i.getInt(0, 0) == 1 && i.getFloat(1, 1.f) == float(r)
        && i.getFloat(2, 1.f) == float(r) && i.getInt(3, 0) == 0 && i.getInt(4, 0) == 0 && i.getInt(5, 0) == 0
        && !i.has(9) && interp.inputs.size() == 1;
    return addOfBoth && shuffleByR && nearestByR ? r : 0;
}

std::unique_ptr<Layer> makePixelShuffleAdd(const LayerDesc& add, const LayerDesc& shuffle, const LayerDesc& interp)
{
    const int64_t r = pixelShuffleAddFactor(add, shuffle, interp);
    if (r == 0)
        invalidLayer(add, "is not the sum of a PixelShuffle and an Interp by the same factor");
    const std::string type = add.type, name = shuffle.name + "+" + interp.name + "+" + add.name;
    Footprint footprint;
    footprint.scale = double(r);
    ForwardFn forward = [=](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
        // a: [N, C * r * r, H, W] (the shuffle's input), b: [N, C, H, W] (the Interp's)
        const at::Tensor& a = in[0];
        const at::Tensor& b = in[1];
        if (a.dim() != 4 || a.size(1) % (r * r) != 0)
            badInput(type, name, "channels are not a multiple of upscale_factor^2");
        if (b.dim() != 4)
            badInput(type, name, "expects a 3-d blob");
        return std::vector<at::Tensor>{pixelShuffleAddUpsampled(a, b, r)};
    };
    return std::make_unique<Layer>(type, name, std::vector<at::Tensor>{}, std::move(forward), footprint);
}

std::unique_ptr<Layer> makeReshape(const LayerDesc& desc, WeightReader&)
{
    requireBlobs(desc, 1, 1);
    const ParamDict& p = desc.params;
    if (p.getInt(3, 0) != 0)
        unsupportedOption(desc, "permute");
    if (p.has(6))
        unsupportedOption(desc, "shape expression");
    const int w = p.getInt(0, kAuto), h = p.getInt(1, kAuto), d = p.getInt(11, kAuto), c = p.getInt(2, kAuto);
    const std::string type = desc.type, name = desc.name;
    Footprint footprint;
    footprint.global = true;
    ForwardFn forward = [=](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
        const at::Tensor& x = in[0];
        const int64_t dims = x.dim() - 1;
        // The input's own (c, d, h, w), for 0 = "copy from the input".
        const auto inputSize = [&](int fromEnd) -> int64_t {
            return fromEnd <= dims ? x.size(x.dim() - fromEnd) : 1;
        };
        std::vector<int64_t> shape{x.size(0)};
        const auto add = [&](int value, int fromEnd) {
            if (value == kAuto)
                return;
            shape.push_back(value == 0 ? inputSize(fromEnd) : value);
        };
        add(c, dims >= 4 ? 4 : 3);
        add(d, 3);
        add(h, 2);
        add(w, 1);
        if (shape.size() == 1)
            badInput(type, name, "no output shape");
        try {
            return std::vector<at::Tensor>{x.reshape(shape)};
        } catch (const c10::Error&) {
            badInput(type, name, "cannot reshape " + std::to_string(x.numel() / x.size(0)) + " values per image");
        }
    };
    return simple(desc, std::move(forward), footprint);
}

std::unique_ptr<Layer> makeFlatten(const LayerDesc& desc, WeightReader&)
{
    requireBlobs(desc, 1, 1);
    Footprint footprint;
    footprint.global = true;
    return simple(desc, [](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
        return std::vector<at::Tensor>{in[0].reshape({in[0].size(0), -1})};
    }, footprint);
}

std::unique_ptr<Layer> makeSoftmax(const LayerDesc& desc, WeightReader&)
{
    requireBlobs(desc, 1, 1);
    const int axis = desc.params.getInt(0, 0);
    const std::string type = desc.type, name = desc.name;
    Footprint footprint;
    footprint.global = true;
    return simple(desc, [=](const std::vector<at::Tensor>& in, const std::vector<at::Tensor>&) {
        const int64_t dim = tensorDim(axis, in[0]);
        if (dim < 1 || dim >= in[0].dim())
            badInput(type, name, "axis outside the blob");
        return std::vector<at::Tensor>{at::softmax(in[0], dim)};
    }, footprint);
}

} // namespace tessera::ncnn

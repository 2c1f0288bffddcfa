// An ncnn upscaler as an UpscaleModel.
//
// The forward contract: x is [N, C, H, W] RGB in [0, 1] (what the
// *-ncnn-vulkan programs feed: pixels * 1/255, no mean, RGB order), any H, W.
// Plain graphs (Real-ESRGAN, SRVGG) map H x W to sH x sW directly. Graphs
// built from unpadded convolutions (Real-CUGAN, waifu2x cunet / upconv_7)
// return less than sH x sW; their programs pre-pad every tile by a fixed
// amount (Real-CUGAN 18/14/19 px for 2x/3x/4x, cunet 18, upconv_7 7) and
// round the tile up to the multiple the graph's down-sampling needs. We
// measure both from the graph at load time (two probe runs give
// out = s * in + b; the pre-padding is -b / 2s) and apply them here, so the
// caller sees a plain sH x sW model. Real-CUGAN's 4x graph predicts a
// residual: its program adds the nearest-upscaled input, and so do we.

#include "models/ncnn/ncnn_model.h"

#include "common/error.h"
#include "common/convolution_format.h"
#include "common/torch_compat.h"
#include "models/finite_output.h"
#include "models/ncnn/ncnn_graph.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <regex>
#include <sstream>

namespace tessera {

namespace {

enum class PadMode { Replicate, Reflect };

// Reflect padding needs the pad to be smaller than the side; tiny inputs are
// reflected in steps and a single pixel is replicated.
at::Tensor padImage(at::Tensor x, int64_t top, int64_t bottom, int64_t left, int64_t right, PadMode mode)
{
    if (mode == PadMode::Replicate)
        return (top || bottom || left || right) ? at::replication_pad2d(x, {left, right, top, bottom}) : x;
    while (top > 0 || bottom > 0 || left > 0 || right > 0) {
        const int64_t maxH = x.size(2) - 1, maxW = x.size(3) - 1;
        if (maxH == 0 || maxW == 0)
            return at::replication_pad2d(x, {left, right, top, bottom});
        const int64_t t = std::min(top, maxH), b = std::min(bottom, maxH);
        const int64_t l = std::min(left, maxW), r = std::min(right, maxW);
        x = at::reflection_pad2d(x, {l, r, t, b});
        top -= t, bottom -= b, left -= l, right -= r;
    }
    return x;
}

int64_t roundUp(int64_t value, int64_t multiple)
{
    return (value + multiple - 1) / multiple * multiple;
}

class NcnnModel final : public UpscaleModel {
public:
    explicit NcnnModel(const std::string& paramPath)
        : m_graph(ncnn::loadGraph(paramPath))
    {
        const std::filesystem::path path(paramPath);
        const std::string stem = path.stem().string();
        // Real-CUGAN's folders (models-se, models-pro, models-nose) name their
        // graphs up2x-..., up3x-..., up4x-...; their program pads by reflection.
        static const std::regex cuganName("up([234])x-.*");
        const bool isCugan = std::regex_match(stem, cuganName);
        m_padMode = isCugan ? PadMode::Reflect : PadMode::Replicate;

        m_info.name = path.filename().string();
        m_info.architecture = "ncnn";
        m_info.inChannels = m_graph->declaredInputChannels() > 0 ? m_graph->declaredInputChannels() : 3;
        m_info.parameterCount = m_graph->parameterCount();
        for (const ncnn::Graph::Node& node : m_graph->nodes())
            if (node.layer->type() == "Convolution" && !node.layer->weights().empty()) // [out, in, kh, kw]
                m_info.featureChannels = std::max(m_info.featureChannels, int(node.layer->weights()[0].size(0)));
        probe(paramPath);
        m_addUpsampledInput = isCugan && m_info.scale == 4;

        m_info.inputMultiple = 1; // forward rounds up to m_multiple itself
        m_info.receptiveRadius = int(std::ceil(m_graph->receptiveRadius()));
        std::ostringstream details;
        details << m_graph->nodes().size() << " layers, scale " << m_info.scale;
        if (isCugan)
            details << ", Real-CUGAN pipeline";
        if (m_pad > 0)
            details << ", pre-padding " << m_pad << " px";
        if (m_multiple > 1)
            details << ", tiles rounded to multiples of " << m_multiple;
        if (m_graph->hasGlobalLayers())
            details << ", global pooling (tiles differ slightly from a whole-image run)";
        m_info.details = details.str();
    }

    void to(const DeviceSpec& device, Precision precision) override
    {
        m_device = toTorchDevice(device);
        m_dtype = toTorchDtype(precision);
        // CPU kernels for half types are slow or missing: the CPU runs fp32.
        if (device.kind == DeviceKind::Cpu || m_fellBack)
            m_dtype = at::kFloat;
        m_graph->to(m_device, m_dtype);
        if (m_device.is_cuda())
            setConvolutionAutotuning(true);
    }

    at::Tensor forward(const at::Tensor& x) override
    {
        // x: [N, C, H, W]
        if (x.dim() != 4 || x.size(1) != m_info.inChannels || x.size(2) < 1 || x.size(3) < 1)
            throw Error(ErrorCode::InvalidArgument,
                        m_info.name + ": expects [N, " + std::to_string(m_info.inChannels) + ", H, W], got "
                            + shapeText(x));
        c10::InferenceMode guard;
        return finiteModelOutput(
            m_info.name, m_dtype, [&](at::ScalarType dtype) { return run(x.to(dtype)); },
            [&] {
                m_fellBack = true;
                m_graph->to(m_device, at::kFloat);
            });
    }

private:
    static std::string shapeText(const at::Tensor& x)
    {
        std::ostringstream text;
        text << x.sizes();
        return text.str();
    }

    // The pipeline around the graph: pre-pad, round up, run, crop, residual.
    at::Tensor run(const at::Tensor& x) const
    {
        const int64_t h = x.size(2), w = x.size(3), s = m_info.scale;
        const int64_t extraH = roundUp(h, m_multiple) - h, extraW = roundUp(w, m_multiple) - w;
        const at::Tensor padded = inConvolutionFormat(padImage(x, m_pad, m_pad + extraH, m_pad, m_pad + extraW, m_padMode));
        // y: [N, outC, padded H * s + m_sizeOffset, padded W * s + m_sizeOffset]
        at::Tensor y = m_graph->run(padded);
        if (y.dim() != 4 || y.size(2) != padded.size(2) * s + m_sizeOffset
            || y.size(3) != padded.size(3) * s + m_sizeOffset)
            throw Error(ErrorCode::InvalidArgument, m_info.name + ": the graph gave " + shapeText(y) + " for "
                                                        + shapeText(padded) + "; the input size does not fit it");
        y = y.narrow(2, m_cropOffset, h * s).narrow(3, m_cropOffset, w * s);
        if (m_addUpsampledInput)
            y = y + at::upsample_nearest2d(x, {h * s, w * s}, double(s), double(s));
        return y;
    }

    // One raw graph run on a size x size probe; nullopt when the size does
    // not fit the graph, with the layer's refusal in `refusal`.
    std::optional<at::Tensor> tryRaw(int64_t size, std::string& refusal) const
    {
        try {
            return m_graph->run(at::full({1, m_info.inChannels, size, size}, 0.5f));
        } catch (const Error& error) {
            if (error.code() != ErrorCode::InvalidArgument)
                throw;
            refusal = error.what();
            return std::nullopt;
        }
    }

    // Learns scale, output channels, pre-padding and the size multiple from
    // a few small runs.
    void probe(const std::string& paramPath)
    {
        c10::InferenceMode guard;
        const auto unsupported = [&](const std::string& why) {
            throw Error(ErrorCode::UnsupportedModel, paramPath + ": " + why);
        };
        // Two sizes that run give out = s * in + b.
        int64_t s1 = 0, o1 = 0, s2 = 0, o2 = 0;
        at::Tensor first;
        std::string refusal; // the last layer that refused a probe, after the file's name
        for (int64_t size = 16; size <= 160 && s1 == 0; size += 4)
            if (auto y = tryRaw(size, refusal)) {
                s1 = size;
                first = *y;
            }
        if (s1 == 0)
            unsupported("the graph rejects every probe size from 16 to 160 px (at 160 px: "
                        + refusal.substr(refusal.rfind(paramPath + ": ", 0) == 0 ? paramPath.size() + 2 : 0) + ")");
        if (first.dim() != 4 || first.size(2) != first.size(3))
            unsupported("the graph does not output an image (output shape " + shapeText(first) + ")");
        o1 = first.size(2);
        m_info.outChannels = int(first.size(1));
        for (int64_t step : {8, 16, 32, 64})
            if (auto y = tryRaw(s1 + step, refusal)) {
                s2 = s1 + step;
                o2 = y->size(2);
                break;
            }
        if (s2 == 0)
            unsupported("the graph runs on " + std::to_string(s1) + " px but on no larger probe size");
        if ((o2 - o1) % (s2 - s1) != 0 || o2 <= o1)
            unsupported("output size does not grow by a whole factor of the input size");
        const int64_t scale = (o2 - o1) / (s2 - s1);
        const int64_t b = o1 - scale * s1;
        if (b > 0)
            unsupported("the graph output is larger than scale x input");
        m_info.scale = int(scale);
        m_sizeOffset = b;
        // Unpadded convolutions lose -b output pixels in all: pre-pad each
        // side by p = ceil(-b / 2s) input pixels and crop what is left over.
        m_pad = int((-b + 2 * scale - 1) / (2 * scale));
        m_cropOffset = (2 * m_pad * scale + b) / 2;

        // The smallest tile multiple the graph takes (down-sampling inside).
        const int64_t base = std::max<int64_t>(16, roundUp(s1 - 2 * m_pad, 16));
        m_multiple = 16;
        for (int64_t multiple : {1, 2, 4, 8}) {
            m_multiple = multiple;
            bool fits = true;
            try {
                // base + 1 is rounded up to base + multiple inside run()
                const int64_t size = base + 1;
                run(at::full({1, m_info.inChannels, size, size}, 0.5f));
            } catch (const Error& error) {
                if (error.code() != ErrorCode::InvalidArgument)
                    throw;
                fits = false;
            }
            if (fits)
                return;
        }
        m_multiple = 16;
    }

    std::unique_ptr<ncnn::Graph> m_graph;
    PadMode m_padMode = PadMode::Replicate;
    int m_pad = 0;
    int64_t m_cropOffset = 0;
    int64_t m_sizeOffset = 0; ///< b in out = s * in + b
    int64_t m_multiple = 1;
    bool m_addUpsampledInput = false;
    c10::Device m_device = c10::Device(c10::kCPU);
    c10::ScalarType m_dtype = at::kFloat;
    bool m_fellBack = false;
};

} // namespace

std::unique_ptr<UpscaleModel> loadNcnnModel(const std::string& paramPath)
{
    return std::make_unique<NcnnModel>(paramPath);
}

} // namespace tessera

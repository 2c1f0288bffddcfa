#include "models/ncnn/ncnn_graph.h"

#include "common/cancel_scope.h"
#include "common/error.h"
#include "common/torch_compat.h"
#include "models/loaders/mapped_file.h"
#include "models/ncnn/ncnn_shape_check.h"

#include <algorithm>
#include <map>
#include <set>

namespace tessera::ncnn {

Graph::Graph(const GraphDesc& desc, WeightReader& weights, const std::string& sourceName)
    : m_source(sourceName)
{
    std::map<std::string, int> blobIndex;
    const auto indexOf = [&](const std::string& name) {
        const auto it = blobIndex.find(name);
        if (it != blobIndex.end())
            return it->second;
        const int index = int(blobIndex.size());
        blobIndex.emplace(name, index);
        return index;
    };

    // How many layers read each blob: a Convolution whose output only the
    // PReLU after it reads is built with that PReLU as one layer.
    std::map<std::string, int> readers;
    for (const LayerDesc& layerDesc : desc.layers)
        for (const std::string& name : layerDesc.inputs)
            ++readers[name];

    // PixelShuffle + Interp -> BinaryOp add (SRVGG's tail) is built as one
    // layer in the add's place; the shuffle and the Interp are left out.
    std::map<std::string, size_t> producer;
    for (size_t k = 0; k < desc.layers.size(); ++k)
        for (const std::string& name : desc.layers[k].outputs)
            producer[name] = k;
    const auto producerOf = [&](const std::string& blob) -> const LayerDesc* {
        const auto it = producer.find(blob);
        const auto read = readers.find(blob);
        return it != producer.end() && read != readers.end() && read->second == 1 ? &desc.layers[it->second] : nullptr;
    };
    std::map<size_t, std::pair<const LayerDesc*, const LayerDesc*>> shuffleAdds; // add -> (shuffle, interp)
    std::set<const LayerDesc*> folded;
    for (size_t k = 0; k < desc.layers.size(); ++k) {
        const LayerDesc& add = desc.layers[k];
        if (add.type != "BinaryOp" || add.inputs.size() != 2)
            continue;
        const LayerDesc* first = producerOf(add.inputs[0]);
        const LayerDesc* second = producerOf(add.inputs[1]);
        if (!first || !second)
            continue;
        if (first->type == "Interp")
            std::swap(first, second);
        if (pixelShuffleAddFactor(add, *first, *second) > 0) {
            shuffleAdds[k] = {first, second};
            folded.insert(first);
            folded.insert(second);
        }
    }

    for (size_t k = 0; k < desc.layers.size(); ++k) {
        const LayerDesc& layerDesc = desc.layers[k];
        Node node;
        if (folded.count(&layerDesc))
            continue;
        if (const auto fused = shuffleAdds.find(k); fused != shuffleAdds.end()) {
            const auto [shuffle, interp] = fused->second;
            node.layer = makePixelShuffleAdd(layerDesc, *shuffle, *interp);
            node.inputs = {indexOf(shuffle->inputs[0]), indexOf(interp->inputs[0])};
            node.outputs = {indexOf(layerDesc.outputs[0])};
            m_nodes.push_back(std::move(node));
            continue;
        }
        const LayerDesc* prelu = k + 1 < desc.layers.size() ? &desc.layers[k + 1] : nullptr;
        if (prelu && convolutionTakesPRelu(layerDesc, *prelu) && readers[layerDesc.outputs[0]] == 1) {
            node.layer = makeConvolutionWithPRelu(layerDesc, *prelu, weights);
            for (const std::string& name : layerDesc.inputs)
                node.inputs.push_back(indexOf(name));
            node.outputs.push_back(indexOf(prelu->outputs[0]));
            m_nodes.push_back(std::move(node));
            ++k; // the PReLU is in the node
            continue;
        }
        node.layer = createLayer(layerDesc, weights);
        for (const std::string& name : layerDesc.inputs)
            node.inputs.push_back(indexOf(name));
        for (const std::string& name : layerDesc.outputs)
            node.outputs.push_back(indexOf(name));
        if (layerDesc.type == "Input") {
            if (m_inputBlob >= 0)
                throw Error(ErrorCode::UnsupportedModel, sourceName + ": graphs with more than one Input are not supported");
            m_inputBlob = node.outputs.at(0);
            m_declaredInputChannels = std::max(0, layerDesc.params.getInt(2, 0));
        }
        m_nodes.push_back(std::move(node));
    }
    if (m_inputBlob < 0)
        throw Error(ErrorCode::InvalidModel, sourceName + ": the graph has no Input layer");
    if (weights.offset() != weights.size())
        throw Error(ErrorCode::InvalidModel,
                    sourceName + ": the .bin has " + std::to_string(weights.size() - weights.offset())
                        + " bytes more than the layers read; it does not match the .param");

    m_blobCount = int(blobIndex.size());
    m_lastUse.assign(size_t(m_blobCount), -1);
    for (size_t i = 0; i < m_nodes.size(); ++i)
        for (int blob : m_nodes[i].inputs)
            m_lastUse[size_t(blob)] = int(i);
    // The output: the last blob produced that no layer reads.
    for (size_t i = m_nodes.size(); i-- > 0 && m_outputBlob < 0;)
        for (int blob : m_nodes[i].outputs)
            if (m_lastUse[size_t(blob)] < 0 && blob != m_inputBlob) {
                m_outputBlob = blob;
                break;
            }
    if (m_outputBlob < 0)
        throw Error(ErrorCode::InvalidModel, sourceName + ": the graph has no output blob");
    // Keep the output alive to the end.
    m_lastUse[size_t(m_outputBlob)] = int(m_nodes.size());
    estimateReceptiveRadius();
}

at::Tensor Graph::run(const at::Tensor& input) const
{
    std::vector<at::Tensor> blobs(static_cast<size_t>(m_blobCount));
    blobs[size_t(m_inputBlob)] = input;
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        const Node& node = m_nodes[i];
        if (node.layer->type() == "Input")
            continue;
        throwIfCurrentCancelled(); // between layers: a whole graph takes seconds on the CPU
        std::vector<at::Tensor> inputs;
        inputs.reserve(node.inputs.size());
        for (int blob : node.inputs)
            inputs.push_back(blobs[size_t(blob)]);
        std::vector<at::Tensor> outputs;
        try {
            outputs = node.layer->forward(inputs);
        } catch (const Error& error) {
            // A layer refusing its input names itself; the file goes in front.
            if (error.code() == ErrorCode::InvalidArgument)
                throw Error(error.code(), m_source + ": " + error.what());
            throw;
        } catch (const std::exception& error) {
            if (isOutOfMemory(error))
                throw Error(ErrorCode::OutOfMemory, m_source + ": out of memory in layer '" + node.layer->name() + "'");
            // LibTorch's messages carry a backtrace: keep the first line.
            std::string what = error.what();
            what = what.substr(0, what.find('\n'));
            throw Error(ErrorCode::InvalidArgument, m_source + ": " + node.layer->type() + " layer '"
                                                        + node.layer->name() + "' failed: " + what);
        }
        if (outputs.size() != node.outputs.size())
            throw Error(ErrorCode::Internal, m_source + ": layer '" + node.layer->name() + "' gave "
                                                 + std::to_string(outputs.size()) + " outputs");
        for (size_t k = 0; k < outputs.size(); ++k)
            blobs[size_t(node.outputs[k])] = std::move(outputs[k]);
        // Free blobs nobody reads any more, so peak memory stays low.
        for (int blob : node.inputs)
            if (m_lastUse[size_t(blob)] == int(i))
                blobs[size_t(blob)] = at::Tensor();
    }
    return blobs[size_t(m_outputBlob)];
}

void Graph::to(c10::Device device, c10::ScalarType dtype)
{
    for (Node& node : m_nodes)
        node.layer->to(device, dtype);
}

int64_t Graph::parameterCount() const
{
    int64_t count = 0;
    for (const Node& node : m_nodes)
        count += node.layer->parameterCount();
    return count;
}

std::string binPathFor(const std::string& paramPath)
{
    const std::string suffix = ".param";
    if (paramPath.size() > suffix.size()
        && paramPath.compare(paramPath.size() - suffix.size(), suffix.size(), suffix) == 0)
        return paramPath.substr(0, paramPath.size() - suffix.size()) + ".bin";
    return paramPath + ".bin";
}

std::unique_ptr<Graph> loadGraph(const std::string& paramPath)
{
    const GraphDesc desc = parseParamFile(paramPath);
    // Blob shapes against the pixel budget before any weight is read.
    checkBlobShapes(desc);
    const std::string binPath = binPathFor(paramPath);
    // Mapped: the layers copy what they read, and a .bin longer than they
    // need is refused without reading the rest.
    const MappedFile bin(binPath);
    WeightReader weights(bin.data(), size_t(bin.size()), binPath);
    return std::make_unique<Graph>(desc, weights, paramPath);
}

void Graph::estimateReceptiveRadius()
{
    // Per blob: radius r in input pixels and f = input pixels per blob pixel.
    // A layer reaching k of its input pixels adds k * f_in; a deconvolution
    // reaching k output pixels adds k * f_out.
    std::vector<double> radius(size_t(m_blobCount), 0.0), step(size_t(m_blobCount), 1.0);
    std::vector<bool> global(size_t(m_blobCount), false);
    for (const Node& node : m_nodes) {
        const Footprint& fp = node.layer->footprint();
        double r = 0, f = 1;
        bool isGlobal = fp.global;
        bool any = false;
        for (int blob : node.inputs) {
            // Global (squeeze-excitation) branches are left out of the radius.
            if (global[size_t(blob)])
                continue;
            r = any ? std::max(r, radius[size_t(blob)]) : radius[size_t(blob)];
            f = any ? std::min(f, step[size_t(blob)]) : step[size_t(blob)];
            any = true;
        }
        if (!any && !node.inputs.empty())
            isGlobal = true;
        if (fp.global)
            m_hasGlobalLayers = true;
        const double fOut = fp.scale > 0 ? f / fp.scale : f;
        r += fp.halfKernelIn * f + fp.halfKernelOut * fOut;
        for (int blob : node.outputs) {
            radius[size_t(blob)] = r;
            step[size_t(blob)] = fOut;
            global[size_t(blob)] = isGlobal;
        }
    }
    m_receptiveRadius = radius[size_t(m_outputBlob)];
}

} // namespace tessera::ncnn

#include "models/ncnn/ncnn_srvgg.h"

#include "common/error.h"
#include "models/ncnn/ncnn_graph.h"

#include <set>

namespace tessera {

StateDict ncnnSrvggStateDict(const std::string& paramPath)
{
    const std::unique_ptr<ncnn::Graph> graph = ncnn::loadGraph(paramPath);
    const auto& nodes = graph->nodes();
    const auto notSrvgg = [&](size_t index, const std::string& expected) {
        const std::string found = index < nodes.size()
            ? nodes[index].layer->type() + " layer '" + nodes[index].layer->name() + "'"
            : std::string("the end of the graph");
        throw Error(ErrorCode::UnsupportedModel,
                    paramPath + ": not an SRVGGNetCompact graph: expected " + expected + ", found " + found);
    };

    StateDict stateDict;
    size_t i = 0;
    // The graph input may be split into the body and the residual branch.
    while (i < nodes.size() && (nodes[i].layer->type() == "Input" || nodes[i].layer->type() == "Split"))
        ++i;
    int key = 0;
    bool expectConv = true;
    for (; i < nodes.size(); ++i) {
        const std::string& type = nodes[i].layer->type();
        const auto& weights = nodes[i].layer->weights();
        if (expectConv) {
            if (type != "Convolution" || weights.size() != 2)
                notSrvgg(i, "a Convolution with bias");
            stateDict["body." + std::to_string(key) + ".weight"] = weights[0].to(at::kFloat).contiguous();
            stateDict["body." + std::to_string(key) + ".bias"] = weights[1].to(at::kFloat).contiguous();
        } else {
            if (type == "PixelShuffle")
                break;
            if (type != "PReLU")
                notSrvgg(i, "PReLU or PixelShuffle");
            stateDict["body." + std::to_string(key) + ".weight"] = weights[0].to(at::kFloat).contiguous();
        }
        ++key;
        expectConv = !expectConv;
    }
    if (key < 3)
        notSrvgg(i, "at least two convolutions");
    // The tail: pixel shuffle + nearest-upsampled input, added.
    const std::vector<std::string> tail = {"PixelShuffle", "Interp", "BinaryOp"};
    for (size_t k = 0; k < tail.size(); ++k)
        if (i + k >= nodes.size() || nodes[i + k].layer->type() != tail[k])
            notSrvgg(i + k, tail[k]);
    if (i + tail.size() != nodes.size())
        notSrvgg(i + tail.size(), "the end of the graph");
    return stateDict;
}

} // namespace tessera

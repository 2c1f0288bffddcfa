// ncnn .param text: the parser, then the blob-shape check that runs before
// any weight is read (core/models/ncnn/ncnn_param.h, ncnn_shape_check.h).
#include "fuzz_support.h"

#include "models/ncnn/ncnn_param.h"
#include "models/ncnn/ncnn_shape_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace tessera;
    return fuzz::refusalsAreErrors([&] {
        const ncnn::GraphDesc graph = ncnn::parseParam(fuzz::text(data, size), "fuzz.param");
        ncnn::checkBlobShapes(graph);
    });
}

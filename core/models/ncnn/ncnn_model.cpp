#include "models/ncnn/ncnn_model.h"

#include "common/error.h"

namespace tessera {

std::unique_ptr<UpscaleModel> loadNcnnModel(const std::string& paramPath)
{
    throw Error(ErrorCode::UnsupportedModel, paramPath + ": ncnn models are not supported yet");
}

} // namespace tessera

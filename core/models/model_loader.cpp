#include "models/upscale_model.h"

#include "common/error.h"
#include "models/ncnn/ncnn_model.h"

namespace tessera {

std::unique_ptr<UpscaleModel> loadUpscaleModel(const std::string& path)
{
    const auto endsWith = [&](const std::string& suffix) {
        return path.size() >= suffix.size()
            && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (endsWith(".param"))
        return loadNcnnModel(path);
    throw Error(ErrorCode::UnsupportedModel, path + ": model loading is not implemented yet");
}

} // namespace tessera

#pragma once
/// A model file as the model picker lists it (Qt values, no LibTorch).

#include "models/model_info.h"

#include <QString>

namespace tessera {

struct ModelChoice {
    QString path;
    QString name;
    ModelInfo info; ///< from the file's headers (ncnn: until the model is loaded)
    qint64 fileSize = 0;
};

} // namespace tessera

#pragma once
/// What the engine thread keeps between jobs (internal to ui/bridge; includes
/// LibTorch through core): the upscale job with its loaded model, so that
/// changing a tile setting never reloads a model.

#include "pipeline/upscale_job.h"

namespace tessera {

class EngineContext {
public:
    UpscaleJob upscale;
};

} // namespace tessera

#pragma once
// The UNet tests' common start: a tiny fixture UNet and the SD 1.5 reference
// inputs it was run on (diffusion_fixtures.h says where both come from).

#include "diffusion/unet/unet.h"
#include "diffusion/unet/unet_config.h"
#include "models/load_weights.h"
#include "models/loaders/weight_store.h"

#include "core/diffusion/diffusion_fixtures.h"

#include <memory>
#include <string>

namespace tessera::test {

/// The tiny fixture UNet of `family` in fp32, config inferred from its
/// shapes, on `device`.
inline std::shared_ptr<sd::UNetModel> loadTinyUNet(const std::string& family, c10::Device device = c10::kCPU)
{
    const std::unique_ptr<WeightStore> store = openWeightStore(diffusionFixture("unet_" + family + "_tiny.safetensors"));
    auto unet = std::make_shared<sd::UNetModel>(sd::inferUNetConfig(*store, ""),
                                                at::TensorOptions().dtype(at::kFloat).device(device));
    loadWeights(*unet, *store, "", LoadMode::Strict, family + " UNet");
    return unet;
}

/// SD 1.5's reference UNet inputs (x [1, 4, 16, 16], t [1], context [1, 77, C]).
struct Sd15UNetInputs {
    at::Tensor x = reference("sd15.unet.x");
    at::Tensor t = reference("sd15.unet.t");
    at::Tensor context = reference("sd15.unet.context");
};

} // namespace tessera::test

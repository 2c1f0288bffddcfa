#pragma once
/// The safety net of every upscale model's forward (model_loader.cpp,
/// ncnn/ncnn_model.cpp): NaN or infinity in a half-precision output makes
/// the model fp32 for good and the input runs again; in fp32 it is the
/// model's own fault and an error. Written out, such values would be black.

#include <ATen/ATen.h>

#include <functional>
#include <string>

namespace tessera {

/// `run(dtype)`, checked with one reduction over its output. When the output
/// holds NaN or infinity and `dtype` is a half type, `toFloat32()` moves the
/// weights to fp32, `dtype` becomes kFloat and `run` goes again; a
/// non-finite fp32 output throws Error(InvalidModel) "<modelName>: the model
/// computes NaN or infinite values (in fp32 as well)" (the tiled runner adds
/// which tile). The input is finite by then (tiling/finite_rows.h).
at::Tensor finiteModelOutput(const std::string& modelName, at::ScalarType& dtype,
                             const std::function<at::Tensor(at::ScalarType)>& run,
                             const std::function<void()>& toFloat32);

} // namespace tessera

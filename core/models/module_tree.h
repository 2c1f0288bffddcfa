#pragma once
/// Registering torch submodules under dotted checkpoint key paths, so that a
/// network's named_parameters() are exactly the keys of its file and loading
/// weights is a lookup (DESIGN: modules are named as checkpoint keys).

#include <torch/nn/module.h>

#include <memory>
#include <string>

namespace tessera {

/// Registers `child` under the dotted `path` below `root` ("model.1.sub.0"),
/// creating empty container modules for the intermediate names.
void registerAtPath(torch::nn::Module& root, const std::string& path, std::shared_ptr<torch::nn::Module> child);

template <typename Holder>
Holder registerAt(torch::nn::Module& root, const std::string& path, Holder holder)
{
    registerAtPath(root, path, holder.ptr());
    return holder;
}

/// The same for a module held by shared_ptr; returns it for the caller to keep.
template <typename ModuleType>
std::shared_ptr<ModuleType> registerAt(torch::nn::Module& root, const std::string& path,
                                       std::shared_ptr<ModuleType> module)
{
    registerAtPath(root, path, module);
    return module;
}

} // namespace tessera

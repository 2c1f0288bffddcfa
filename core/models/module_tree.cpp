#include "models/module_tree.h"

namespace tessera {

void registerAtPath(torch::nn::Module& root, const std::string& path, std::shared_ptr<torch::nn::Module> child)
{
    torch::nn::Module* parent = &root;
    size_t start = 0;
    while (true) {
        const size_t dot = path.find('.', start);
        const std::string name = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (dot == std::string::npos) {
            parent->register_module(name, std::move(child));
            return;
        }
        auto children = parent->named_children();
        std::shared_ptr<torch::nn::Module> next;
        if (const auto* found = children.find(name))
            next = *found;
        else
            next = parent->register_module(name, std::make_shared<torch::nn::Module>());
        parent = next.get();
        start = dot + 1;
    }
}

} // namespace tessera

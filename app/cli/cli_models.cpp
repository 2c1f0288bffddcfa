#include "cli/commands.h"

#include <iostream>

namespace tessera::cli {

int runModels(const Args& args)
{
    std::cerr << "tessera-cli models: not implemented yet\n";
    return kExitFailed;
}

} // namespace tessera::cli

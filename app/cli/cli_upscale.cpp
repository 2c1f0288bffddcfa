#include "cli/commands.h"

#include <iostream>

namespace tessera::cli {

int runUpscale(const Args& args)
{
    std::cerr << "tessera-cli upscale: not implemented yet\n";
    return kExitFailed;
}

} // namespace tessera::cli

#include "cli/commands.h"

#include <iostream>

namespace tessera::cli {

int runInfo(const Args& args)
{
    std::cerr << "tessera-cli info: not implemented yet\n";
    return kExitFailed;
}

} // namespace tessera::cli

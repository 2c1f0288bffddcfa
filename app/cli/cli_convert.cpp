#include "cli/commands.h"

#include <iostream>

namespace tessera::cli {

int runConvert(const Args& args)
{
    std::cerr << "tessera-cli convert: not implemented yet\n";
    return kExitFailed;
}

} // namespace tessera::cli

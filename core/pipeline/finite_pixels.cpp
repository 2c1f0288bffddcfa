#include "pipeline/finite_pixels.h"

namespace tessera {

std::string nonFinitePixelsSentence(int64_t pixels)
{
    return std::to_string(pixels) + (pixels == 1 ? " pixel was" : " pixels were")
           + " NaN or infinite; set to 0 or 1 as documented (NaN and -Inf to 0, +Inf to 1)";
}

} // namespace tessera

#include "common/convolution_format.h"

namespace tessera {

at::MemoryFormat convolutionMemoryFormat(const c10::Device& device)
{
    (void)device;
    return at::MemoryFormat::ChannelsLast;
}

at::Tensor inConvolutionFormat(const at::Tensor& tensor)
{
    return tensor.contiguous(tensor.dim() == 4 ? convolutionMemoryFormat(tensor.device()) : at::MemoryFormat::Contiguous);
}

void setConvolutionAutotuning(bool on)
{
    at::globalContext().setBenchmarkCuDNN(on);
}

} // namespace tessera

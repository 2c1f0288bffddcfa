#include "common/error.h"

namespace tessera {

const char* errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::OutOfMemory: return "out of memory";
    case ErrorCode::InvalidModel: return "invalid model";
    case ErrorCode::UnsupportedModel: return "unsupported model";
    case ErrorCode::Io: return "I/O error";
    case ErrorCode::InvalidArgument: return "invalid argument";
    case ErrorCode::Internal: return "internal error";
    }
    return "error";
}

Error::Error(ErrorCode code, const std::string& message)
    : std::runtime_error(message), m_code(code)
{
}

} // namespace tessera

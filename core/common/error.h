#pragma once
/// Errors thrown inside core. Callers at the boundary (CLI, UI bridge) catch them
/// and turn them into an exit code or a message a person can act on.

#include <stdexcept>
#include <string>

namespace tessera {

enum class ErrorCode {
    Cancelled,        ///< the user (or a newer request) cancelled the job
    OutOfMemory,      ///< host or device memory ran out
    InvalidModel,     ///< a model file is corrupt, truncated or refused as unsafe
    UnsupportedModel, ///< a valid file whose architecture or layer we do not know
    Io,               ///< reading or writing a file failed
    InvalidArgument,  ///< a parameter or input outside what is possible
    Internal,         ///< a bug: an invariant of ours did not hold
};

/// A short stable name for the code ("cancelled", "out of memory", ...).
const char* errorCodeName(ErrorCode code);

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message);
    ErrorCode code() const { return m_code; }

private:
    ErrorCode m_code;
};

} // namespace tessera

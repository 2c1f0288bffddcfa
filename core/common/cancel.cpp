#include "common/cancel.h"

#include "common/error.h"

namespace tessera {

void CancelToken::throwIfCancelled() const
{
    if (isCancelled())
        throw Error(ErrorCode::Cancelled, "cancelled");
}

} // namespace tessera

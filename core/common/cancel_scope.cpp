#include "common/cancel_scope.h"

namespace tessera {

namespace {

thread_local const CancelToken* t_current = nullptr;

} // namespace

CancelScope::CancelScope(const CancelToken& token) : m_previous(t_current)
{
    t_current = &token;
}

CancelScope::~CancelScope()
{
    t_current = m_previous;
}

void throwIfCurrentCancelled()
{
    if (t_current)
        t_current->throwIfCancelled();
}

} // namespace tessera

#pragma once
// Qt Test check that an expression throws tessera::Error with a given code
// (not merely "throws"): another exception type fails the test as unhandled.

#include "common/error.h"

#include <QtTest>

#include <functional>

/// Fails unless `expression` throws tessera::Error whose code() is `errorCode`.
#define TESSERA_VERIFY_ERROR(expression, errorCode)                                       \
    do {                                                                                  \
        try {                                                                             \
            expression;                                                                   \
        } catch (const tessera::Error& tesseraError_) {                                   \
            QCOMPARE(tesseraError_.code(), errorCode);                                    \
            break;                                                                        \
        }                                                                                 \
        QFAIL("expected tessera::Error(" #errorCode ") from " #expression);               \
    } while (false)

namespace tessera::test {

/// What an expression threw as tessera::Error, for checks of the message too.
struct Outcome {
    ErrorCode code = ErrorCode::Internal;
    QString message = "nothing thrown";
};

/// Runs `work`; its tessera::Error's code and message, or Internal and
/// "nothing thrown" when it returned. Other exceptions pass through.
inline Outcome outcomeOf(const std::function<void()>& work)
{
    try {
        work();
    } catch (const Error& error) {
        return {error.code(), QString::fromStdString(error.what())};
    }
    return {};
}

} // namespace tessera::test

#pragma once
// Qt Test check that an expression throws tessera::Error with a given code
// (not merely "throws"): another exception type fails the test as unhandled.

#include "common/error.h"

#include <QtTest>

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

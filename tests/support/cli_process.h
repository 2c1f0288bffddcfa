#pragma once
// Runs a command-line program for the end-to-end tests of tessera-cli.

#include <QProcess>
#include <QString>
#include <QStringList>

#include <utility>

namespace tessera::test {

/// Runs `program` with `args` to its end (at most 5 minutes): its exit code
/// and what it wrote to stdout and stderr.
inline std::pair<int, QString> runProgram(const QString& program, const QStringList& args)
{
    QProcess process;
    process.start(program, args);
    process.waitForFinished(300000);
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError())};
}

} // namespace tessera::test

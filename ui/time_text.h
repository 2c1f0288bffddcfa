#pragma once
/// Durations as the window shows them ("3 min 05 s", "12 s left").

#include <QObject>
#include <QString>

#include <algorithm>

namespace tessera {

/// "12 s", "3 min 05 s", "1 h 02 min".
inline QString formatDuration(double seconds)
{
    const int s = int(seconds + 0.5);
    if (s < 60)
        return QObject::tr("%1 s").arg(std::max(s, 1));
    if (s < 3600)
        return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

/// The time left of a run ("12 s left"); "estimating…" while unknown (negative).
inline QString formatTimeLeft(double seconds)
{
    if (seconds < 0)
        return QObject::tr("estimating…");
    const int s = int(seconds + 0.5);
    if (s < 60)
        return QObject::tr("%1 s left").arg(s);
    return QObject::tr("%1 min %2 s left").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace tessera

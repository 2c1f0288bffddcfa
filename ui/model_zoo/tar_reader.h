#pragma once
/// Reads a ustar archive (POSIX.1-1988, what npm packs) member by member from
/// a sequential device, such as a GunzipDevice over a .tgz. Only what the
/// model zoo needs: names from the name and prefix fields, octal sizes, header
/// checksums verified. Pax and GNU extended headers, which would rename or
/// resize the member after them, are refused rather than skipped. Errors throw
/// tessera::Error (InvalidModel) naming the archive and the cause.

#include <QString>

class QIODevice;

namespace tessera {

/// One member's header.
struct TarEntry {
    QString path;     ///< prefix + "/" + name as stored: not cleaned, not checked
    char type = '0';  ///< the typeflag: '0' (or NUL) a regular file, '5' a folder, ...
    qint64 size = 0;  ///< bytes of data that follow the header

    bool isRegularFile() const { return type == '0' || type == '\0'; }
};

class TarReader {
public:
    /// Reads from `device` (open, outliving the reader); `archiveName` starts
    /// every error message.
    TarReader(QIODevice* device, QString archiveName);

    /// Moves to the next member, skipping what is left of the current one's
    /// data; false at the archive's end marker.
    bool next(TarEntry& entry);
    /// Up to `maxSize` bytes of the current member's data; 0 at its end.
    qint64 read(char* data, qint64 maxSize);

private:
    /// Fills `data` with `size` bytes; false when the device ends before the first byte.
    bool readExactly(char* data, qint64 size, const char* what);
    [[noreturn]] void fail(const QString& cause) const;

    QIODevice* m_device;
    QString m_archiveName;
    qint64 m_offset = 0;    ///< bytes consumed from the device
    qint64 m_remaining = 0; ///< data bytes of the current member not yet read
    qint64 m_padding = 0;   ///< zero bytes after them, up to the next 512-byte block
};

} // namespace tessera

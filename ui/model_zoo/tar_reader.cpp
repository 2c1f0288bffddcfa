#include "model_zoo/tar_reader.h"

#include "common/error.h"

#include <QIODevice>

#include <algorithm>
#include <array>

namespace tessera {

namespace {

constexpr qint64 kBlock = 512;

// Offsets and sizes of the ustar header fields used here.
constexpr int kNameOffset = 0, kNameSize = 100;
constexpr int kSizeOffset = 124, kSizeSize = 12;
constexpr int kChecksumOffset = 148, kChecksumSize = 8;
constexpr int kTypeOffset = 156;
constexpr int kMagicOffset = 257;
constexpr int kPrefixOffset = 345, kPrefixSize = 155;

/// A NUL-terminated (or full-width) text field.
QString textField(const char* header, int offset, int size)
{
    const char* begin = header + offset;
    return QString::fromUtf8(begin, int(std::find(begin, begin + size, '\0') - begin));
}

/// An octal number field: optional leading spaces, digits, then a space or NUL.
/// -1 when the field holds anything else (base-256 sizes of huge members included).
qint64 octalField(const char* header, int offset, int size)
{
    qint64 value = 0;
    int i = 0;
    while (i < size && header[offset + i] == ' ')
        ++i;
    const int firstDigit = i;
    for (; i < size; ++i) {
        const char c = header[offset + i];
        if (c == ' ' || c == '\0')
            break;
        if (c < '0' || c > '7' || value > (qint64(1) << 56))
            return -1;
        value = value * 8 + (c - '0');
    }
    return i > firstDigit ? value : -1;
}

} // namespace

TarReader::TarReader(QIODevice* device, QString archiveName) : m_device(device), m_archiveName(std::move(archiveName)) {}

void TarReader::fail(const QString& cause) const
{
    throw Error(ErrorCode::InvalidModel, QStringLiteral("%1: %2").arg(m_archiveName, cause).toStdString());
}

bool TarReader::readExactly(char* data, qint64 size, const char* what)
{
    qint64 done = 0;
    while (done < size) {
        const qint64 got = m_device->read(data + done, size - done);
        if (got < 0)
            fail(m_device->errorString());
        if (got == 0) {
            if (done == 0)
                return false;
            fail(QStringLiteral("truncated in %1 at byte %2").arg(QLatin1String(what)).arg(m_offset + done));
        }
        done += got;
    }
    m_offset += size;
    return true;
}

bool TarReader::next(TarEntry& entry)
{
    // What the caller did not read of the last member, and its padding.
    std::array<char, 1 << 16> scratch{};
    for (qint64 left = m_remaining + m_padding; left > 0;) {
        const qint64 skip = std::min<qint64>(left, qint64(scratch.size()));
        if (!readExactly(scratch.data(), skip, "a member's data"))
            fail(QStringLiteral("truncated in a member's data at byte %1").arg(m_offset));
        left -= skip;
    }
    m_remaining = 0;
    m_padding = 0;

    std::array<char, kBlock> header{};
    const qint64 headerOffset = m_offset;
    if (!readExactly(header.data(), kBlock, "a header"))
        fail(QStringLiteral("ends without the end-of-archive marker"));
    if (std::all_of(header.begin(), header.end(), [](char c) { return c == '\0'; }))
        return false;

    // The checksum: the sum of the header's bytes, its own field counted as spaces.
    qint64 sum = 0;
    for (int i = 0; i < kBlock; ++i) {
        const bool inChecksum = i >= kChecksumOffset && i < kChecksumOffset + kChecksumSize;
        sum += inChecksum ? ' ' : static_cast<unsigned char>(header[size_t(i)]);
    }
    if (octalField(header.data(), kChecksumOffset, kChecksumSize) != sum)
        fail(QStringLiteral("damaged header at byte %1 (its checksum does not match)").arg(headerOffset));
    if (QByteArray(header.data() + kMagicOffset, 5) != "ustar")
        fail(QStringLiteral("not a ustar archive (header at byte %1)").arg(headerOffset));

    entry.type = header[kTypeOffset];
    const QString name = textField(header.data(), kNameOffset, kNameSize);
    const QString prefix = textField(header.data(), kPrefixOffset, kPrefixSize);
    entry.path = prefix.isEmpty() ? name : prefix + QLatin1Char('/') + name;
    if (entry.type == 'x' || entry.type == 'g' || entry.type == 'L' || entry.type == 'K')
        fail(QStringLiteral("member %1 has a pax or GNU extended header, which this reader does not read").arg(entry.path));
    entry.size = octalField(header.data(), kSizeOffset, kSizeSize);
    if (entry.size < 0)
        fail(QStringLiteral("member %1 has an unreadable size").arg(entry.path));
    m_remaining = entry.size;
    m_padding = (kBlock - entry.size % kBlock) % kBlock;
    return true;
}

qint64 TarReader::read(char* data, qint64 maxSize)
{
    const qint64 size = std::min(maxSize, m_remaining);
    if (size <= 0)
        return 0;
    if (!readExactly(data, size, "a member's data"))
        fail(QStringLiteral("truncated in a member's data at byte %1").arg(m_offset));
    m_remaining -= size;
    return size;
}

} // namespace tessera

#include "model_zoo/gunzip_device.h"

#include <zlib.h>

#include <algorithm>
#include <limits>

namespace tessera {

namespace {
constexpr int kInputChunk = 1 << 16;
constexpr int kGzipWindowBits = 16 + MAX_WBITS; // a gzip header and trailer around deflate data
} // namespace

GunzipDevice::GunzipDevice(QIODevice* source, QObject* parent)
    : QIODevice(parent), m_source(source), m_stream(std::make_unique<z_stream_s>()), m_input(kInputChunk, '\0')
{
}

GunzipDevice::~GunzipDevice()
{
    close();
}

bool GunzipDevice::open(OpenMode mode)
{
    if ((mode & ReadWrite) != ReadOnly || isOpen())
        return false;
    *m_stream = z_stream_s{};
    if (inflateInit2(m_stream.get(), kGzipWindowBits) != Z_OK) {
        setErrorString(QStringLiteral("zlib could not start"));
        return false;
    }
    m_ended = false;
    // Unbuffered: the reader asks for whole tar blocks, no second copy is needed.
    return QIODevice::open(mode | Unbuffered);
}

void GunzipDevice::close()
{
    if (!isOpen())
        return;
    inflateEnd(m_stream.get());
    QIODevice::close();
}

qint64 GunzipDevice::readData(char* data, qint64 maxSize)
{
    qint64 produced = 0;
    while (produced < maxSize && !m_ended) {
        if (m_stream->avail_in == 0) {
            const qint64 got = m_source->read(m_input.data(), m_input.size());
            if (got < 0) {
                setErrorString(QStringLiteral("cannot read: %1").arg(m_source->errorString()));
                return -1;
            }
            if (got == 0) {
                setErrorString(QStringLiteral("the gzip stream is truncated"));
                return -1;
            }
            m_stream->next_in = reinterpret_cast<Bytef*>(m_input.data());
            m_stream->avail_in = uInt(got);
        }
        const qint64 room = std::min<qint64>(maxSize - produced, std::numeric_limits<uInt>::max());
        m_stream->next_out = reinterpret_cast<Bytef*>(data + produced);
        m_stream->avail_out = uInt(room);
        const int status = inflate(m_stream.get(), Z_NO_FLUSH);
        produced += room - qint64(m_stream->avail_out);
        if (status == Z_STREAM_END) {
            m_ended = true;
        } else if (status != Z_OK) {
            setErrorString(QStringLiteral("not a valid gzip stream (%1)")
                               .arg(QString::fromLatin1(m_stream->msg ? m_stream->msg : zError(status))));
            return -1;
        }
    }
    return produced;
}

} // namespace tessera

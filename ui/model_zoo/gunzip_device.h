#pragma once
/// A read-only sequential device that gives the decompressed bytes of a gzip
/// stream read from another device (the model zoo's .tgz, for TarReader).

#include <QIODevice>

#include <memory>

struct z_stream_s;

namespace tessera {

class GunzipDevice : public QIODevice {
public:
    /// Reads from `source`, which must be open for reading and outlive this device.
    explicit GunzipDevice(QIODevice* source, QObject* parent = nullptr);
    ~GunzipDevice() override;

    bool isSequential() const override { return true; }
    /// Only QIODevice::ReadOnly.
    bool open(OpenMode mode) override;
    void close() override;

protected:
    /// Returns 0 at the stream's end, -1 with errorString() set on a damaged,
    /// truncated or unreadable stream.
    qint64 readData(char* data, qint64 maxSize) override;
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    QIODevice* m_source;
    std::unique_ptr<z_stream_s> m_stream;
    QByteArray m_input;
    bool m_ended = false;
};

} // namespace tessera

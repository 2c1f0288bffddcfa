// The parallel PNG encoder: its files decode (with OpenImageIO, and with
// zlib's own checks of the joined deflate stream and its adler32) to exactly
// the samples OpenImageIO's own libpng writer stores for the same floats,
// for 1-4 channels at 8 and 16 bits, with out-of-range values, NaN and exact
// half steps; the bytes do not depend on how rows arrive or on the thread
// count; the segments compress about as well as libpng's single stream; and
// a failing writer stops the encoder with the writer's error.

#include "common/error.h"
#include "encode/png_encoder.h"
#include "image/image.h"
#include "io/image_reader.h"

#include <OpenImageIO/imageio.h>

#include <zlib.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>

using namespace tessera;

namespace {

// A photo-like test image: smooth gradients, a little noise, and (every
// 97th sample) the awkward values: below 0, above 1, NaN, exact half steps.
std::vector<float> testSamples(int width, int height, int channels, int bits, bool awkward)
{
    std::mt19937 generator(uint32_t(width * 131 + height * 7 + channels + bits));
    std::normal_distribution<float> noise(0.0f, 0.02f);
    std::vector<float> samples(size_t(width) * size_t(height) * size_t(channels));
    const float steps = bits == 8 ? 255.0f : 65535.0f;
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < channels; ++c) {
                const size_t i = (size_t(y) * size_t(width) + size_t(x)) * size_t(channels) + size_t(c);
                float v = 0.5f + 0.4f * std::sin(float(x) * 0.05f + float(c)) * std::cos(float(y) * 0.03f) + noise(generator);
                if (awkward && i % 97 == 0) {
                    const float special[] = {-0.3f, 1.7f, std::nanf(""), (41.0f + 0.5f) / steps, (200.0f + 0.5f) / steps, 0.0f, 1.0f};
                    v = special[(i / 97) % 7];
                }
                samples[i] = v;
            }
    return samples;
}

std::vector<uint8_t> encode(const PngEncoderSettings& settings, const std::vector<float>& samples,
                            const std::vector<int>& bands)
{
    std::vector<uint8_t> file;
    PngEncoder encoder(settings, [&file](const uint8_t* bytes, size_t size) { file.insert(file.end(), bytes, bytes + size); });
    const size_t rowSamples = size_t(settings.width) * size_t(settings.channels);
    int row = 0;
    for (size_t b = 0; row < settings.height; ++b) {
        const int rows = std::min(bands.empty() ? settings.height : bands[b % bands.size()], settings.height - row);
        encoder.writeRows(rows, samples.data() + size_t(row) * rowSamples);
        row += rows;
    }
    encoder.finish();
    return file;
}

void saveFile(const std::string& path, const std::vector<uint8_t>& bytes)
{
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

// OpenImageIO's own PNG writer (libpng) on the same floats.
void writeWithLibpng(const std::string& path, int width, int height, int channels, int bits, int level,
                     const std::vector<float>& samples)
{
    std::unique_ptr<OIIO::ImageOutput> output = OIIO::ImageOutput::create(path);
    OIIO::ImageSpec spec(width, height, channels, bits == 8 ? OIIO::TypeDesc::UINT8 : OIIO::TypeDesc::UINT16);
    spec.attribute("png:compressionLevel", level);
    spec.attribute("Compression", "zip:" + std::to_string(level));
    if (channels == 2 || channels == 4)
        spec.attribute("oiio:UnassociatedAlpha", 1);
    QVERIFY(output && output->open(path, spec));
    QVERIFY(output->write_image(OIIO::TypeFloat, samples.data()));
    QVERIFY(output->close());
}

uint32_t bigEndian32(const uint8_t* p)
{
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

// Inflates the IDAT chunks joined, as a decoder does; zlib checks the
// adler32 at the end. Returns the filtered bytes, or throws.
std::vector<uint8_t> inflateImageData(const std::vector<uint8_t>& file)
{
    std::vector<uint8_t> stream;
    for (size_t at = 8; at + 12 <= file.size();) {
        const uint32_t size = bigEndian32(file.data() + at);
        if (std::string(reinterpret_cast<const char*>(file.data() + at + 4), 4) == "IDAT")
            stream.insert(stream.end(), file.begin() + std::ptrdiff_t(at + 8), file.begin() + std::ptrdiff_t(at + 8 + size));
        // Every chunk's CRC holds.
        if (crc32(0, file.data() + at + 4, uInt(size + 4)) != bigEndian32(file.data() + at + 8 + size))
            throw std::runtime_error("bad chunk CRC");
        at += 12 + size;
    }
    std::vector<uint8_t> out(64 << 20);
    z_stream z{};
    inflateInit(&z);
    z.next_in = stream.data();
    z.avail_in = uInt(stream.size());
    z.next_out = out.data();
    z.avail_out = uInt(out.size());
    const int status = inflate(&z, Z_FINISH);
    out.resize(z.total_out);
    const bool allUsed = z.avail_in == 0;
    inflateEnd(&z);
    if (status != Z_STREAM_END || !allUsed)
        throw std::runtime_error("inflate status " + std::to_string(status));
    return out;
}

} // namespace

class TestPngEncoder : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void samplesEqualLibpngs_data()
    {
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("bits");
        for (int channels = 1; channels <= 4; ++channels)
            for (int bits : {8, 16})
                QTest::addRow("%d-channel %d-bit", channels, bits) << channels << bits;
    }

    void samplesEqualLibpngs()
    {
        QFETCH(int, channels);
        QFETCH(int, bits);
        const int width = 123, height = 77;
        const std::vector<float> samples = testSamples(width, height, channels, bits, true);
        PngEncoderSettings settings;
        settings.width = width;
        settings.height = height;
        settings.channels = channels;
        settings.bits = bits;
        settings.threads = 3;
        settings.segmentBytes = 4096; // many segments
        const std::vector<uint8_t> ours = encode(settings, samples, {5, 1, 13});
        saveFile(path("ours.png"), ours);
        writeWithLibpng(path("libpng.png"), width, height, channels, bits, 6, samples);
        const Image a = readImage(path("ours.png")), b = readImage(path("libpng.png"));
        QCOMPARE(a.width(), width);
        QCOMPARE(a.channels(), channels);
        QCOMPARE(a.metadata().sourceSampleType, bits == 8 ? SampleType::UInt8 : SampleType::UInt16);
        for (size_t i = 0; i < size_t(a.pixelCount() * a.channels()); ++i)
            if (a.data()[i] != b.data()[i])
                QFAIL(qPrintable(QString("sample %1: ours %2, libpng %3 (input %4)").arg(i).arg(a.data()[i]).arg(b.data()[i]).arg(samples[i])));
        // The joined stream inflates with its checksum to one filter byte and the samples per row.
        const std::vector<uint8_t> filtered = inflateImageData(ours);
        QCOMPARE(filtered.size(), size_t(height) * (size_t(width) * size_t(channels) * size_t(bits / 8) + 1));
    }

    void bytesDependOnNeitherBandsNorThreads()
    {
        const int width = 301, height = 260;
        const std::vector<float> samples = testSamples(width, height, 3, 8, false);
        PngEncoderSettings settings;
        settings.width = width;
        settings.height = height;
        settings.segmentBytes = 20000; // 22 rows a segment; the dictionary spans 37
        settings.threads = 1;
        const std::vector<uint8_t> reference = encode(settings, samples, {});
        settings.threads = 4;
        QVERIFY(encode(settings, samples, {1}) == reference);
        QVERIFY(encode(settings, samples, {7, 64, 3}) == reference);
        QVERIFY(encode(settings, samples, {259}) == reference);
        QVERIFY(!inflateImageData(reference).empty());
    }

    void narrowAndTallImages()
    {
        // One-pixel-wide rows: the 32 KiB dictionary spans thousands of rows.
        for (const auto& [width, height] : {std::pair{1, 9000}, std::pair{2, 3}, std::pair{7000, 1}}) {
            const std::vector<float> samples = testSamples(width, height, 4, 16, true);
            PngEncoderSettings settings;
            settings.width = width;
            settings.height = height;
            settings.channels = 4;
            settings.bits = 16;
            settings.segmentBytes = 1000;
            saveFile(path("narrow.png"), encode(settings, samples, {333}));
            writeWithLibpng(path("narrow-libpng.png"), width, height, 4, 16, 6, samples);
            const Image a = readImage(path("narrow.png")), b = readImage(path("narrow-libpng.png"));
            QCOMPARE(a.height(), height);
            QVERIFY(std::equal(a.data(), a.data() + size_t(a.pixelCount() * a.channels()), b.data()));
        }
    }

    void compressesLikeOneStream()
    {
        // 2 MiB segments on a 1024 x 768 image: 3 segments, each primed with
        // the window before it. Level 1 is the fast choice; 9 the smallest.
        const int width = 1024, height = 768;
        const std::vector<float> samples = testSamples(width, height, 3, 8, false);
        for (int level : {1, 6, 9}) {
            PngEncoderSettings settings;
            settings.width = width;
            settings.height = height;
            settings.level = level;
            const size_t ours = encode(settings, samples, {64}).size();
            writeWithLibpng(path("size.png"), width, height, 3, 8, level, samples);
            const size_t theirs = size_t(QFileInfo(QString::fromStdString(path("size.png"))).size());
            qInfo("level %d: ours %zu bytes, libpng %zu bytes (%.3fx)", level, ours, theirs, double(ours) / double(theirs));
            QVERIFY2(double(ours) <= 1.03 * double(theirs), qPrintable(QString::number(double(ours) / double(theirs))));
        }
        // Level 0 stores: about the filtered bytes themselves.
        PngEncoderSettings stored;
        stored.width = width;
        stored.height = height;
        stored.level = 0;
        QVERIFY(encode(stored, samples, {}).size() >= size_t(width) * size_t(height) * 3);
    }

    void aFailingWriterStopsTheEncoder()
    {
        const int width = 512, height = 512;
        const std::vector<float> samples = testSamples(width, height, 3, 8, false);
        PngEncoderSettings settings;
        settings.width = width;
        settings.height = height;
        settings.segmentBytes = 8192;
        size_t written = 0;
        PngEncoder encoder(settings, [&written](const uint8_t*, size_t size) {
            written += size;
            if (written > 100000)
                throw std::runtime_error("No space left on device");
        });
        bool threw = false;
        try {
            for (int row = 0; row < height; row += 16)
                encoder.writeRows(16, samples.data() + size_t(row) * width * 3);
            encoder.finish();
        } catch (const std::runtime_error& error) {
            threw = true;
            QCOMPARE(QString(error.what()), QString("No space left on device"));
        }
        QVERIFY(threw);
    }

    void impossibleSettingsAreRefused()
    {
        auto refused = [](PngEncoderSettings settings) {
            try {
                PngEncoder encoder(settings, [](const uint8_t*, size_t) {});
            } catch (const Error& error) {
                return error.code() == ErrorCode::InvalidArgument;
            }
            return false;
        };
        PngEncoderSettings s;
        s.width = 4;
        s.height = 4;
        s.bits = 12;
        QVERIFY(refused(s));
        s.bits = 8;
        s.channels = 5;
        QVERIFY(refused(s));
        s.channels = 3;
        s.level = 10;
        QVERIFY(refused(s));
        s.level = 6;
        s.width = 0;
        QVERIFY(refused(s));
    }
};

QTEST_GUILESS_MAIN(TestPngEncoder)
#include "tst_png_encoder.moc"

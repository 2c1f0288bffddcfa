#pragma once
// Helpers shared by the image I/O tests: synthetic images, file bytes, and
// small hand-made files.

#include "image/image.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QStringList>
#include <QString>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace tessera::test {

/// A smooth gradient with a different ramp per channel, every value exactly
/// representable with `bits` (8 or 16); bits 0 leaves full float precision
/// and adds values outside [0, 1], as HDR sources have.
inline Image makeGradient(int width, int height, int channels, int bits)
{
    Image image(width, height, channels);
    const double levels = bits == 8 ? 255.0 : bits == 16 ? 65535.0 : 0.0;
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            for (int c = 0; c < channels; ++c) {
                double v = (x * (c + 1) + y * (3 - c % 3)) / double(width * 2 + height * 3);
                v = std::fmod(v, 1.0);
                if (c == 3)
                    v = 1.0 - 0.5 * double(y) / height; // alpha: a vertical ramp
                if (levels > 0)
                    v = std::round(v * levels) / levels;
                else
                    v = v * 2.5 - 0.5; // -0.5 .. 2.0
                image.at(x, y, c) = float(v);
            }
        }
    }
    image.metadata().sourceSampleType = bits == 8 ? SampleType::UInt8
        : bits == 16                              ? SampleType::UInt16
                                                  : SampleType::Float;
    return image;
}

inline float maxAbsDiff(const Image& a, const Image& b)
{
    float worst = 0.0f;
    const int64_t count = a.pixelCount() * a.channels();
    for (int64_t i = 0; i < count; ++i)
        worst = std::max(worst, std::abs(a.data()[i] - b.data()[i]));
    return worst;
}

/// Compares only the first `channels` channels of each pixel.
inline float maxAbsDiffChannels(const Image& a, const Image& b, int channels)
{
    float worst = 0.0f;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            for (int c = 0; c < channels; ++c)
                worst = std::max(worst, std::abs(a.at(x, y, c) - b.at(x, y, c)));
    return worst;
}

inline QByteArray readBytes(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

inline bool writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(bytes) == bytes.size();
}

/// Names in `folder` that start with '.' (where our temporary files go).
inline QStringList hiddenFiles(const QString& folder)
{
    return QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::System)
        .filter(QRegularExpression("^\\."));
}

/// A small ICC profile that libpng, libtiff and libjpeg accept: a 128-byte
/// header (size, 'acsp', display class, RGB or grey, XYZ, D50) and one private
/// tag of pseudo-random bytes. (libpng refuses an iCCP chunk that compresses
/// to almost nothing, so the profile must not be all zeros.)
inline std::vector<uint8_t> makeIccProfile(bool rgb = true)
{
    std::vector<uint8_t> icc(400, 0);
    auto put32 = [&](size_t at, uint32_t v) {
        icc[at] = uint8_t(v >> 24);
        icc[at + 1] = uint8_t(v >> 16);
        icc[at + 2] = uint8_t(v >> 8);
        icc[at + 3] = uint8_t(v);
    };
    auto putTag = [&](size_t at, const char* four) {
        for (int i = 0; i < 4; ++i)
            icc[at + size_t(i)] = uint8_t(four[i]);
    };
    put32(0, uint32_t(icc.size()));
    putTag(4, "none");
    put32(8, 0x02100000); // version 2.1
    putTag(12, "mntr");
    putTag(16, rgb ? "RGB " : "GRAY");
    putTag(20, "XYZ ");
    putTag(36, "acsp");
    put32(68, 0x0000F6D6); // D50 illuminant, s15Fixed16
    put32(72, 0x00010000);
    put32(76, 0x0000D32D);
    putTag(80, "test");
    put32(128, 1); // one tag: private signature, 256 bytes at offset 144
    putTag(132, "tsra");
    put32(136, 144);
    put32(140, 256);
    uint32_t state = 12345;
    for (size_t i = 144; i < icc.size(); ++i) {
        state = state * 1103515245u + 12345u;
        icc[i] = uint8_t(state >> 24);
    }
    return icc;
}

/// CRC-32 as PNG chunks use it.
inline uint32_t crc32(const QByteArray& bytes)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (char ch : bytes) {
        crc ^= uint8_t(ch);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xFFFFFFFFu;
}

inline void appendBigEndian(QByteArray& bytes, uint32_t v)
{
    bytes.append(char(v >> 24)).append(char(v >> 16)).append(char(v >> 8)).append(char(v));
}

inline void appendLittleEndian(QByteArray& bytes, uint32_t v, int size)
{
    for (int i = 0; i < size; ++i)
        bytes.append(char(v >> (8 * i)));
}

/// A PNG with a valid signature and IHDR (correct CRC) claiming the given size,
/// and an empty IDAT: a header that reads, with no pixel data behind it.
inline QByteArray pngHeaderOnly(uint32_t width, uint32_t height)
{
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    QByteArray chunk("IHDR");
    appendBigEndian(chunk, width);
    appendBigEndian(chunk, height);
    chunk.append(char(8)).append(char(2)).append(char(0)).append(char(0)).append(char(0));
    appendBigEndian(png, 13);
    png.append(chunk);
    appendBigEndian(png, crc32(chunk));
    const QByteArray idat("IDAT");
    appendBigEndian(png, 0);
    png.append(idat);
    appendBigEndian(png, crc32(idat));
    QByteArray end("IEND");
    appendBigEndian(png, 0);
    png.append(end);
    appendBigEndian(png, crc32(end));
    return png;
}

/// An 8-bit grey TIFF's header alone: `strips` strips whose offsets point
/// past the end of the file (a file that claims more than it holds).
inline QByteArray tiffHeaderOnly(uint32_t width, uint32_t height, uint32_t strips)
{
    const uint32_t rowsPerStrip = (height + strips - 1) / strips;
    const uint32_t stripBytes = width * rowsPerStrip;
    const uint32_t entries = 9;
    const uint32_t arrays = 8 + 2 + entries * 12 + 4; // the strip arrays follow the IFD
    QByteArray tiff("II*\0", 4);
    appendLittleEndian(tiff, 8, 4);
    appendLittleEndian(tiff, entries, 2);
    auto entry = [&](uint32_t tag, uint32_t type, uint32_t count, uint32_t value) {
        appendLittleEndian(tiff, tag, 2);
        appendLittleEndian(tiff, type, 2);
        appendLittleEndian(tiff, count, 4);
        appendLittleEndian(tiff, value, 4);
    };
    const uint32_t kShort = 3, kLong = 4;
    entry(256, kLong, 1, width);
    entry(257, kLong, 1, height);
    entry(258, kShort, 1, 8);
    entry(259, kShort, 1, 1);
    entry(262, kShort, 1, 1);
    entry(273, kLong, strips, strips == 1 ? 1000000 : arrays);
    entry(277, kShort, 1, 1);
    entry(278, kLong, 1, rowsPerStrip);
    entry(279, kLong, strips, strips == 1 ? stripBytes : arrays + 4 * strips);
    appendLittleEndian(tiff, 0, 4);
    if (strips > 1) {
        for (uint32_t i = 0; i < strips; ++i)
            appendLittleEndian(tiff, 1000000 + i * stripBytes, 4);
        for (uint32_t i = 0; i < strips; ++i)
            appendLittleEndian(tiff, stripBytes, 4);
    }
    return tiff;
}

/// An uncompressed 24-bit BMP of `width` x `height`; with `withPixels` false
/// only the headers are written (a file that claims more than it holds).
inline QByteArray makeBmp(int width, int height, bool withPixels, uint8_t fill = 0x80)
{
    const uint32_t rowBytes = (uint32_t(width) * 3 + 3) / 4 * 4;
    const uint64_t pixelBytes = uint64_t(rowBytes) * uint32_t(height);
    QByteArray bmp("BM");
    appendLittleEndian(bmp, uint32_t(54 + pixelBytes), 4);
    appendLittleEndian(bmp, 0, 4);
    appendLittleEndian(bmp, 54, 4);
    appendLittleEndian(bmp, 40, 4);
    appendLittleEndian(bmp, uint32_t(width), 4);
    appendLittleEndian(bmp, uint32_t(height), 4);
    appendLittleEndian(bmp, 1, 2);
    appendLittleEndian(bmp, 24, 2);
    appendLittleEndian(bmp, 0, 4); // BI_RGB
    appendLittleEndian(bmp, uint32_t(pixelBytes), 4);
    appendLittleEndian(bmp, 2835, 4);
    appendLittleEndian(bmp, 2835, 4);
    appendLittleEndian(bmp, 0, 4);
    appendLittleEndian(bmp, 0, 4);
    if (withPixels)
        bmp.append(QByteArray(qsizetype(pixelBytes), char(fill)));
    return bmp;
}

/// An uncompressed 24-bit TGA (bottom-up) filled with one colour.
inline QByteArray makeTga(int width, int height, uint8_t fill = 0x40)
{
    QByteArray tga(18, '\0');
    tga[2] = 2; // uncompressed true colour
    tga[12] = char(width & 0xFF);
    tga[13] = char(width >> 8);
    tga[14] = char(height & 0xFF);
    tga[15] = char(height >> 8);
    tga[16] = 24;
    tga.append(QByteArray(width * height * 3, char(fill)));
    return tga;
}

} // namespace tessera::test

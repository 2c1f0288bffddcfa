// Image I/O on good files: round trips for every format and bit depth,
// metadata and ICC profiles carried over, region reads, streaming writes.

// LibTorch headers before Qt's (Qt's "slots" macro breaks them).
#include "tiling/quantize_rows.h"
#include "tiling/row_source.h"

#include "common/error.h"
#include "image/image.h"
#include "io/image_reader.h"
#include "io/image_writer.h"
#include "io_test_util.h"

#include <OpenImageIO/imageio.h>

#include <QTemporaryDir>
#include <QtTest>
#include "support/error_checks.h"

using namespace tessera;
using namespace tessera::test;

class TestImageIo : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string path(const QString& name) const { return m_dir.filePath(name).toStdString(); }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<int>("bits");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("readChannels");   // JPEG drops alpha, WebP adds colour
        QTest::addColumn<float>("tolerance");
        QTest::addColumn<int>("readSampleType"); // SampleType read back

        const int u8 = int(SampleType::UInt8), u16 = int(SampleType::UInt16);
        const int half = int(SampleType::Half), flt = int(SampleType::Float);
        for (int channels = 1; channels <= 4; ++channels) {
            const QByteArray c = QByteArray::number(channels);
            QTest::newRow("png8-" + c) << "png" << 8 << channels << channels << 1e-6f << u8;
            QTest::newRow("png16-" + c) << "png" << 16 << channels << channels << 1e-6f << u16;
            QTest::newRow("tif8-" + c) << "tif" << 8 << channels << channels << 1e-6f << u8;
            QTest::newRow("tif16-" + c) << "tiff" << 16 << channels << channels << 1e-6f << u16;
            QTest::newRow("tif32-" + c) << "tif" << 32 << channels << channels << 0.0f << flt;
            QTest::newRow("exr16-" + c) << "exr" << 16 << channels << channels << 2e-3f << half;
            QTest::newRow("exr32-" + c) << "exr" << 32 << channels << channels << 0.0f << flt;
        }
        // Lossy formats: a smooth gradient comes back close, not exact.
        QTest::newRow("jpg8-1") << "jpg" << 8 << 1 << 1 << 0.03f << u8;
        QTest::newRow("jpg8-3") << "jpg" << 8 << 3 << 3 << 0.06f << u8;
        QTest::newRow("jpg8-4") << "JPEG" << 8 << 4 << 3 << 0.06f << u8;
        QTest::newRow("webp8-3") << "webp" << 8 << 3 << 3 << 0.06f << u8;
        QTest::newRow("webp8-4") << "webp" << 8 << 4 << 4 << 0.06f << u8;
        QTest::newRow("webp8-1") << "webp" << 8 << 1 << 3 << 0.06f << u8;
    }

    void roundTrip()
    {
        QFETCH(QString, extension);
        QFETCH(int, bits);
        QFETCH(int, channels);
        QFETCH(int, readChannels);
        QFETCH(float, tolerance);
        QFETCH(int, readSampleType);

        // Integer formats get exactly representable values; float formats
        // get full precision including values outside [0, 1].
        const int valueBits = bits == 32 ? 0 : bits == 16 && extension == "exr" ? 8 : bits;
        const Image original = makeGradient(37, 23, channels, valueBits);
        const std::string file = path(QString("round-%1-%2.%3").arg(bits).arg(channels).arg(extension));
        WriteOptions options;
        options.bits = bits;
        writeImage(original, file, options);

        const Image back = readImage(file);
        QCOMPARE(back.width(), original.width());
        QCOMPARE(back.height(), original.height());
        QCOMPARE(back.channels(), readChannels);
        QCOMPARE(int(back.metadata().sourceSampleType), readSampleType);
        if (readChannels == channels) {
            QVERIFY2(maxAbsDiff(back, original) <= tolerance,
                     qPrintable(QString("max difference %1").arg(maxAbsDiff(back, original))));
        } else if (readChannels < channels) {
            QVERIFY(maxAbsDiffChannels(back, original, readChannels) <= tolerance);
        } else {
            // grey written as RGB: every colour channel holds the grey value
            for (int c = 0; c < 3; ++c)
                for (int x = 0; x < original.width(); ++x)
                    QVERIFY(std::abs(back.at(x, 11, c) - original.at(x, 11, 0)) <= tolerance);
        }
    }

    void sourceFormatAndDefaultDepth()
    {
        const Image image16 = makeGradient(8, 8, 3, 16);
        writeImage(image16, path("auto16.png"));
        const Image back = readImage(path("auto16.png"));
        QCOMPARE(back.metadata().sourceFormat, std::string("png"));
        QCOMPARE(back.metadata().sourceSampleType, SampleType::UInt16); // bits 0 kept 16
        writeImage(back, path("auto16.exr"));                          // 16-bit source -> half
        QCOMPARE(readImage(path("auto16.exr")).metadata().sourceSampleType, SampleType::Half);
        writeImage(back, path("auto16.jpg"));                          // JPEG: 8
        QCOMPARE(readImage(path("auto16.jpg")).metadata().sourceFormat, std::string("jpeg"));

        const Image floats = makeGradient(8, 8, 3, 0);
        writeImage(floats, path("autof.tif"));
        const Image tiffBack = readImage(path("autof.tif"));
        QCOMPARE(tiffBack.metadata().sourceSampleType, SampleType::Float);
        QCOMPARE(maxAbsDiff(tiffBack, floats), 0.0f);
        writeImage(floats, path("autof.png")); // float source -> 16-bit PNG, clamped
        const Image pngBack = readImage(path("autof.png"));
        QCOMPARE(pngBack.metadata().sourceSampleType, SampleType::UInt16);
        for (int64_t i = 0; i < pngBack.pixelCount() * 3; ++i) {
            const float expected = std::round(std::clamp(floats.data()[i], 0.0f, 1.0f) * 65535.0f) / 65535.0f;
            QVERIFY(std::abs(pngBack.data()[i] - expected) < 1e-7f);
        }
    }

    void integerConversionRoundsAndClamps()
    {
        Image image(4, 1, 1);
        image.at(0, 0, 0) = -0.25f;
        image.at(1, 0, 0) = 1.5f;
        image.at(2, 0, 0) = 100.4f / 255.0f; // rounds down to 100
        image.at(3, 0, 0) = 100.6f / 255.0f; // rounds up to 101
        WriteOptions options;
        options.bits = 8;
        writeImage(image, path("rounding.png"), options);
        const Image back = readImage(path("rounding.png"));
        QCOMPARE(back.at(0, 0, 0), 0.0f);
        QCOMPARE(back.at(1, 0, 0), 1.0f);
        QCOMPARE(qRound(back.at(2, 0, 0) * 255.0f), 100);
        QCOMPARE(qRound(back.at(3, 0, 0) * 255.0f), 101);
    }

    // The property a 16-bit workflow relies on: going through float EXR and
    // back loses nothing.
    void png16ThroughExrFloatIsBitExact()
    {
        writeImage(makeGradient(41, 29, 4, 16), path("chain-a.png"), WriteOptions{16});
        const Image first = readImage(path("chain-a.png"));
        WriteOptions toFloat;
        toFloat.bits = 32;
        writeImage(first, path("chain.exr"), toFloat);
        const Image viaExr = readImage(path("chain.exr"));
        QCOMPARE(viaExr.metadata().sourceSampleType, SampleType::Float);
        writeImage(viaExr, path("chain-b.png"), WriteOptions{16});
        const Image second = readImage(path("chain-b.png"));
        QCOMPARE(second.metadata().sourceSampleType, SampleType::UInt16);
        QCOMPARE(maxAbsDiff(first, second), 0.0f);

        // And at the level of the stored integers, through OIIO directly.
        auto readU16 = [](const std::string& file) {
            auto input = OIIO::ImageInput::open(file);
            std::vector<uint16_t> values(size_t(input->spec().image_pixels()) * input->spec().nchannels);
            input->read_image(0, 0, 0, -1, OIIO::TypeUInt16, values.data());
            return values;
        };
        QVERIFY(readU16(path("chain-a.png")) == readU16(path("chain-b.png")));
    }

    void jpegMetadataSurvives_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<QStringList>("expected");
        const QStringList all{"ImageDescription", "Artist", "Copyright", "Exif:DateTimeOriginal"};
        QTest::newRow("jpg") << "jpg" << all;
        QTest::newRow("tif") << "tif" << all;
        QTest::newRow("png") << "png" << all;
        QTest::newRow("exr") << "exr" << QStringList{"ImageDescription", "Artist", "Copyright"};
    }

    void jpegMetadataSurvives()
    {
        QFETCH(QString, target);
        QFETCH(QStringList, expected);

        Image image = makeGradient(16, 12, 3, 8);
        image.metadata().setString("ImageDescription", "A test gradient");
        image.metadata().setString("Artist", "Tessera Tests");
        image.metadata().setString("Copyright", "(c) nobody");
        image.metadata().setString("Exif:DateTimeOriginal", "2024:05:06 07:08:09");
        writeImage(image, path("meta-src.jpg"));
        const Image jpeg = readImage(path("meta-src.jpg"));
        for (const char* name : {"ImageDescription", "Artist", "Copyright", "Exif:DateTimeOriginal"})
            QVERIFY2(jpeg.metadata().find(name), name);

        const std::string converted = path("meta-out." + target);
        writeImage(jpeg, converted);
        const Image back = readImage(converted);
        for (const QString& name : expected) {
            const MetadataEntry* entry = back.metadata().find(name.toStdString());
            QVERIFY2(entry, qPrintable(name + " lost in " + target));
            const MetadataEntry* source = image.metadata().find(name.toStdString());
            QCOMPARE(entry->typeName, std::string("string"));
            QCOMPARE(QByteArray(reinterpret_cast<const char*>(entry->bytes.data()), qsizetype(entry->bytes.size())),
                     QByteArray(reinterpret_cast<const char*>(source->bytes.data()), qsizetype(source->bytes.size())));
        }

        // keepMetadata = false drops them.
        WriteOptions bare;
        bare.keepMetadata = false;
        writeImage(jpeg, path("meta-bare." + target), bare);
        QVERIFY(!readImage(path("meta-bare." + target)).metadata().find("Artist"));
    }

    // Camera JPEGs carry Exif tags that libtiff 4.5 refuses through OIIO 2.4;
    // the TIFF must still be written, keeping the tags that do work.
    void cameraExifToTiff()
    {
        Image image = makeGradient(16, 12, 3, 8);
        image.metadata().setString("Exif:DateTimeOriginal", "2024:05:06 07:08:09");
        image.metadata().setString("Exif:UserComment", "a comment");
        image.metadata().setString("Make", "Camera Co");
        const float exposure = 0.01f, fnumber = 2.8f;
        MetadataEntry exposureEntry{"Exif:ExposureTime", "float", {}, "0.01"};
        exposureEntry.bytes.resize(4);
        std::memcpy(exposureEntry.bytes.data(), &exposure, 4);
        MetadataEntry fnumberEntry{"Exif:FNumber", "float", {}, "2.8"};
        fnumberEntry.bytes.resize(4);
        std::memcpy(fnumberEntry.bytes.data(), &fnumber, 4);
        image.metadata().entries.push_back(exposureEntry);
        image.metadata().entries.push_back(fnumberEntry);
        image.metadata().setString("GPS:LatitudeRef", "N");
        writeImage(image, path("camera.tif"));
        const Image tiff = readImage(path("camera.tif"));
        QVERIFY(tiff.metadata().find("Exif:DateTimeOriginal"));
        QVERIFY(tiff.metadata().find("Make"));
        QVERIFY(!tiff.metadata().find("Exif:ExposureTime")); // dropped, see image_writer.cpp
        QVERIFY(maxAbsDiff(tiff, image) < 1e-6f);
    }

    void numericMetadataKeepsType()
    {
        Image image = makeGradient(8, 8, 3, 8);
        writeImage(image, path("res-src.tif"));
        Image tiff = readImage(path("res-src.tif"));
        // Give it a resolution through an entry of type float, as a TIFF has.
        const float dpi = 300.0f;
        MetadataEntry entry{"XResolution", "float", {}, "300"};
        entry.bytes.resize(sizeof dpi);
        std::memcpy(entry.bytes.data(), &dpi, sizeof dpi);
        tiff.metadata().entries.push_back(entry);
        tiff.metadata().setString("ResolutionUnit", "in");
        writeImage(tiff, path("res-out.tif"));
        const Image reread = readImage(path("res-out.tif"));
        const MetadataEntry* back = reread.metadata().find("XResolution");
        QVERIFY(back);
        QCOMPARE(back->typeName, std::string("float"));
        float value = 0;
        QCOMPARE(back->bytes.size(), sizeof value);
        std::memcpy(&value, back->bytes.data(), sizeof value);
        QCOMPARE(value, 300.0f);

        // An entry whose bytes do not fit its type is skipped, not written.
        tiff.metadata().entries.push_back({"Exif:Brightness", "float", {1, 2}, "?"});
        writeImage(tiff, path("res-bad.tif"));
        QVERIFY(!readImage(path("res-bad.tif")).metadata().find("Exif:Brightness"));
    }

    void iccProfileIsKeptExactly_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<int>("channels");
        QTest::newRow("png") << "png" << 3;
        QTest::newRow("png-rgba") << "png" << 4;
        QTest::newRow("tif") << "tif" << 3;
        QTest::newRow("jpg") << "jpg" << 3;
    }

    void iccProfileIsKeptExactly()
    {
        QFETCH(QString, extension);
        QFETCH(int, channels);
        Image image = makeGradient(12, 10, channels, 8);
        image.metadata().iccProfile = makeIccProfile();
        const std::string file = path("icc." + extension);
        writeImage(image, file);
        const Image back = readImage(file);
        QVERIFY(back.metadata().iccProfile == image.metadata().iccProfile);
        QVERIFY(!back.metadata().find("ICCProfile")); // not duplicated as an entry
        QVERIFY(probeImage(file).metadata.iccProfile == image.metadata().iccProfile);

        WriteOptions bare;
        bare.keepMetadata = false;
        writeImage(back, path("icc-bare." + extension), bare);
        QVERIFY(readImage(path("icc-bare." + extension)).metadata().iccProfile.empty());
    }

    void readsBmpAndTga()
    {
        QVERIFY(writeBytes(m_dir.filePath("hand.bmp"), makeBmp(5, 3, true, 0x80)));
        const Image bmp = readImage(path("hand.bmp"));
        QCOMPARE(bmp.width(), 5);
        QCOMPARE(bmp.height(), 3);
        QCOMPARE(bmp.channels(), 3);
        QCOMPARE(bmp.at(4, 2, 1), 128.0f / 255.0f);
        QCOMPARE(bmp.metadata().sourceFormat, std::string("bmp"));

        QVERIFY(writeBytes(m_dir.filePath("hand.tga"), makeTga(6, 4, 0x40)));
        const Image tga = readImage(path("hand.tga"));
        QCOMPARE(tga.width(), 6);
        QCOMPARE(tga.height(), 4);
        QCOMPARE(tga.at(0, 0, 2), 64.0f / 255.0f);
    }

    void probeReadsHeaderOnly()
    {
        Image image = makeGradient(30, 20, 2, 16);
        image.metadata().setString("Software", "tessera-test");
        writeImage(image, path("probe.png"));
        const ImageFileInfo info = probeImage(path("probe.png"));
        QCOMPARE(info.width, 30);
        QCOMPARE(info.height, 20);
        QCOMPARE(info.channels, 2);
        QCOMPARE(info.metadata.sourceSampleType, SampleType::UInt16);
        QCOMPARE(info.metadata.sourceFormat, std::string("png"));
        QVERIFY(info.metadata.find("Software"));
    }

    void moreThanFourChannelsKeepsFirstFour()
    {
        // Made with OIIO directly: our writer never writes five channels.
        const std::string file = path("five.exr");
        OIIO::ImageSpec spec(4, 3, 5, OIIO::TypeDesc::FLOAT);
        spec.channelnames = {"R", "G", "B", "A", "Z"};
        spec.alpha_channel = 3;
        spec.z_channel = 4;
        std::vector<float> values(4 * 3 * 5);
        for (size_t i = 0; i < values.size(); ++i)
            values[i] = float(i % 5) * 0.25f;
        auto output = OIIO::ImageOutput::create(file);
        QVERIFY(output && output->open(file, spec));
        QVERIFY(output->write_image(OIIO::TypeFloat, values.data()));
        QVERIFY(output->close());

        const Image image = readImage(file);
        QCOMPARE(image.channels(), 4);
        QCOMPARE(image.at(2, 1, 3), 0.75f);
        const MetadataEntry* dropped = image.metadata().find("tessera:DroppedChannels");
        QVERIFY(dropped);
        QCOMPARE(dropped->display, std::string("Z"));
        // and the note is ours: it never reaches a written file
        writeImage(image, path("five-out.exr"));
        QVERIFY(!readImage(path("five-out.exr")).metadata().find("tessera:DroppedChannels"));
    }

    void regionEqualsCropOfFullRead_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::newRow("png") << "png";
        QTest::newRow("tif") << "tif";
        QTest::newRow("exr") << "exr";
        QTest::newRow("jpg") << "jpg";
        QTest::newRow("tiled-tif") << "tiled.tif";
        QTest::newRow("tiled-exr") << "tiled.exr";
    }

    void regionEqualsCropOfFullRead()
    {
        QFETCH(QString, extension);
        const std::string file = path("region." + extension);
        const Image source = makeGradient(53, 47, 4, 16);
        if (extension.startsWith("tiled")) {
            // Tiled files go through read_tiles: make one with OIIO directly.
            OIIO::ImageSpec spec(53, 47, 4, OIIO::TypeDesc::UINT16);
            spec.tile_width = 16;
            spec.tile_height = 16;
            spec.alpha_channel = 3;
            auto output = OIIO::ImageOutput::create(file);
            QVERIFY(output && output->open(file, spec));
            QVERIFY(output->write_image(OIIO::TypeFloat, source.data()));
            QVERIFY(output->close());
        } else {
            writeImage(source, file);
        }
        const Image full = readImage(file);
        ImageFileReader reader(file);
        QCOMPARE(reader.info().width, 53);
        QCOMPARE(reader.info().height, 47);
        QCOMPARE(reader.info().channels, extension == "jpg" ? 3 : 4);

        // Bands out of order too: a sequential format must re-read.
        const QList<QRect> regions{QRect(5, 30, 20, 9), QRect(0, 0, 53, 47), QRect(17, 3, 1, 1),
                                   QRect(40, 10, 13, 37), QRect(0, 15, 53, 18)};
        for (const QRect& r : regions) {
            const Image region = reader.readRegion(r.x(), r.y(), r.width(), r.height());
            QCOMPARE(region.width(), r.width());
            QCOMPARE(region.height(), r.height());
            QCOMPARE(region.channels(), full.channels());
            QCOMPARE(region.metadata().sourceFormat, full.metadata().sourceFormat);
            for (int y = 0; y < r.height(); ++y)
                for (int x = 0; x < r.width(); ++x)
                    for (int c = 0; c < full.channels(); ++c)
                        QCOMPARE(region.at(x, y, c), full.at(r.x() + x, r.y() + y, c));
        }
        TESSERA_VERIFY_ERROR(reader.readRegion(50, 0, 4, 1), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(reader.readRegion(0, -1, 4, 1), ErrorCode::InvalidArgument);
        TESSERA_VERIFY_ERROR(reader.readRegion(0, 0, 0, 1), ErrorCode::InvalidArgument);
    }

    // An 8-bit file's rows may travel as bytes (ImageFileReader::readRowBytes,
    // FileRowSource::readBytes): the runner makes the floats on the device as
    // byte * kByteToFloat, so that must be exactly what readRegion gives, for
    // every byte value and every layout that reads bytes.
    void byteRowsAreTheFloatRowsBytes_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("bits");
        QTest::addColumn<bool>("readsBytes");
        QTest::newRow("png rgba 8") << "bytes.png" << 4 << 8 << true;
        QTest::newRow("png grey 8") << "grey.png" << 1 << 8 << true;
        QTest::newRow("jpg") << "bytes.jpg" << 3 << 8 << true;
        QTest::newRow("tif 8") << "bytes.tif" << 3 << 8 << true;
        QTest::newRow("tiled tif 8") << "bytes.tiled.tif" << 4 << 8 << true;
        QTest::newRow("webp rgb") << "bytes.webp" << 3 << 8 << true;
        QTest::newRow("webp rgba: colour divided by alpha") << "alpha.webp" << 4 << 8 << false;
        QTest::newRow("png 16") << "wide.png" << 3 << 16 << false;
        QTest::newRow("exr half") << "half.exr" << 3 << 16 << false;
    }

    void byteRowsAreTheFloatRowsBytes()
    {
        QFETCH(QString, file);
        QFETCH(int, channels);
        QFETCH(int, bits);
        QFETCH(bool, readsBytes);
        const std::string name = path(file);
        // Every byte value, in every channel.
        Image source(64, 9, channels);
        for (int y = 0; y < source.height(); ++y)
            for (int x = 0; x < source.width(); ++x)
                for (int c = 0; c < channels; ++c)
                    source.at(x, y, c) = float((x * 4 + y * 37 + c * 11) % 256) / 255.0f;
        if (file.contains(".tiled.")) {
            OIIO::ImageSpec spec(64, 9, channels, OIIO::TypeDesc::UINT8);
            spec.tile_width = 16;
            spec.tile_height = 16;
            auto output = OIIO::ImageOutput::create(name);
            QVERIFY(output && output->open(name, spec));
            QVERIFY(output->write_image(OIIO::TypeFloat, source.data()));
            QVERIFY(output->close());
        } else {
            WriteOptions options;
            options.bits = bits;
            options.quality = 100;
            writeImage(source, name, options);
        }
        ImageFileReader reader(name);
        QCOMPARE(reader.readsBytes(), readsBytes);
        if (!readsBytes) {
            std::vector<uint8_t> unused(64 * 3 * size_t(channels));
            TESSERA_VERIFY_ERROR(reader.readRowBytes(0, 3, unused.data()), ErrorCode::Internal);
            return;
        }
        const int width = reader.info().width;
        const int fileChannels = reader.info().channels;
        // Bands as the runner asks for them: in order, then one re-read.
        for (const auto& [y, rows] : std::vector<std::pair<int, int>>{{0, 4}, {4, 5}, {2, 3}}) {
            std::vector<uint8_t> bytes(size_t(rows) * width * fileChannels);
            reader.readRowBytes(y, rows, bytes.data());
            const Image floats = reader.readRegion(0, y, width, rows);
            for (size_t i = 0; i < bytes.size(); ++i)
                QCOMPARE(floats.data()[i], float(bytes[i]) * kByteToFloat);
        }
        std::vector<uint8_t> past(size_t(width) * fileChannels);
        TESSERA_VERIFY_ERROR(reader.readRowBytes(8, 2, past.data()), ErrorCode::Internal);
    }

    void streamingWriterEqualsWriteImage_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<int>("bits");
        QTest::newRow("png") << "png" << 16;
        QTest::newRow("tif") << "tif" << 8;
        QTest::newRow("tif32") << "tif" << 32;
        QTest::newRow("exr") << "exr" << 16;
        QTest::newRow("jpg") << "jpg" << 8;
        QTest::newRow("webp") << "webp" << 8;
    }

    void streamingWriterEqualsWriteImage()
    {
        QFETCH(QString, extension);
        QFETCH(int, bits);
        Image image = makeGradient(61, 43, 4, bits == 32 ? 0 : 8);
        image.metadata().setString("Artist", "stream");
        WriteOptions options;
        options.bits = bits;
        const QString tag = QTest::currentDataTag();
        const std::string whole = path("whole-" + tag + "." + extension);
        const std::string streamed = path("streamed-" + tag + "." + extension);
        writeImage(image, whole, options);
        {
            ImageFileWriter writer(streamed, image.width(), image.height(), image.channels(),
                                   image.metadata(), options);
            for (int y = 0; y < image.height(); y += 10)
                writer.writeRows(y, std::min(10, image.height() - y), image.row(y));
            QVERIFY(!QFile::exists(QString::fromStdString(streamed))); // nothing until finish
            writer.finish();
        }
        QCOMPARE(readBytes(QString::fromStdString(streamed)), readBytes(QString::fromStdString(whole)));
        const Image a = readImage(whole);
        const Image b = readImage(streamed);
        QCOMPARE(maxAbsDiff(a, b), 0.0f);
        QVERIFY(hiddenFiles(m_dir.path()).isEmpty());
    }

    // Rows rounded before the writer (tiling/quantize_rows.h, as the runner does
    // on the GPU) give the very file the float rows give; formats that drop or
    // premultiply a channel, or store more than 8 bits, take floats only.
    void byteRowsEqualFloatRows_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<int>("bits");
        QTest::addColumn<int>("channels");
        QTest::addColumn<bool>("takesBytes");
        QTest::newRow("png rgb") << "png" << 8 << 3 << true;
        QTest::newRow("png rgba") << "png" << 8 << 4 << true;
        QTest::newRow("png grey") << "png" << 8 << 1 << true;
        QTest::newRow("tif") << "tif" << 8 << 3 << true;
        QTest::newRow("jpg") << "jpg" << 8 << 3 << true;
        QTest::newRow("webp") << "webp" << 8 << 3 << true;
        QTest::newRow("png16") << "png" << 16 << 3 << false;
        QTest::newRow("jpg rgba") << "jpg" << 8 << 4 << false;
        QTest::newRow("webp rgba") << "webp" << 8 << 4 << false;
        QTest::newRow("exr") << "exr" << 16 << 3 << false;
    }

    void byteRowsEqualFloatRows()
    {
        QFETCH(QString, extension);
        QFETCH(int, bits);
        QFETCH(int, channels);
        QFETCH(bool, takesBytes);
        Image image = makeGradient(61, 43, channels, 8);
        // Out of range, NaN and exact half steps as well.
        for (int i = 0; i < 40; ++i) {
            const float special[] = {-0.2f, 1.3f, std::nanf(""), 100.5f / 255.0f};
            image.data()[size_t(i) * 37 % size_t(image.pixelCount() * channels)] = special[i % 4];
        }
        WriteOptions options;
        options.bits = bits;
        const QString tag = QString(QTest::currentDataTag()).replace(' ', '-');
        const std::string floats = path("floats-" + tag + "." + extension);
        const std::string bytes = path("bytes-" + tag + "." + extension);
        writeImage(image, floats, options);
        ImageFileWriter writer(bytes, image.width(), image.height(), channels, image.metadata(), options);
        QCOMPARE(writer.takesBytes(), takesBytes);
        if (!takesBytes)
            return;
        const at::Tensor rounded =
            quantizeTo8Bits(at::from_blob(image.data(), {image.height(), image.width(), channels}, at::kFloat));
        for (int y = 0; y < image.height(); y += 10) {
            const int rows = std::min(10, image.height() - y);
            writer.writeBytes(y, rows, rounded.data_ptr<uint8_t>() + size_t(y) * image.width() * channels);
        }
        writer.finish();
        QCOMPARE(readBytes(QString::fromStdString(bytes)), readBytes(QString::fromStdString(floats)));
    }

    void qualityAndCompressionTakeEffect()
    {
        const Image image = makeGradient(96, 96, 3, 8);
        WriteOptions low, high;
        low.quality = 10;
        high.quality = 100;
        for (const char* ext : {"jpg", "webp"}) {
            writeImage(image, path(QString("q10.") + ext), low);
            writeImage(image, path(QString("q100.") + ext), high);
            QVERIFY2(QFileInfo(m_dir.filePath(QString("q10.") + ext)).size()
                         < QFileInfo(m_dir.filePath(QString("q100.") + ext)).size(),
                     ext);
        }
        WriteOptions none, zip;
        none.compression = "none";
        zip.compression = "zip";
        for (const char* ext : {"tif", "exr", "png"}) {
            writeImage(image, path(QString("none.") + ext), none);
            writeImage(image, path(QString("zip.") + ext), zip);
            QVERIFY2(QFileInfo(m_dir.filePath(QString("zip.") + ext)).size()
                         < QFileInfo(m_dir.filePath(QString("none.") + ext)).size(),
                     ext);
            // EXR holds an 8-bit source as half: exact to half precision
            QVERIFY(maxAbsDiff(readImage(path(QString("none.") + ext)), image) <= 1e-3f);
        }
        WriteOptions piz;
        piz.compression = "PIZ";
        writeImage(image, path("piz.exr"), piz);
        QVERIFY(maxAbsDiff(readImage(path("piz.exr")), image) <= 1e-3f);
    }

    void extensions()
    {
        for (const char* ok : {"png", "PNG", ".tif", "tiff", "exr", "jpg", "JPEG", "webp"})
            QVERIFY2(isWritableExtension(ok), ok);
        for (const char* no : {"", "bmp", "gif", "txt", "png2"})
            QVERIFY2(!isWritableExtension(no), no);
    }
};

QTEST_GUILESS_MAIN(TestImageIo)
#include "tst_image_io.moc"

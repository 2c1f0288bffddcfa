#include "encode/png_encoder.h"

#include "common/error.h"

#include <zlib.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <thread>

namespace tessera {

namespace {

constexpr size_t kDictionaryBytes = 32768; // deflate's window
constexpr uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

void putBigEndian32(uint8_t* out, uint32_t value)
{
    out[0] = uint8_t(value >> 24);
    out[1] = uint8_t(value >> 16);
    out[2] = uint8_t(value >> 8);
    out[3] = uint8_t(value);
}

/// Fixed-size worker threads for the encoder's jobs, first in first out.
/// Destroying the pool drops jobs not yet started and joins the rest.
class WorkerPool {
public:
    explicit WorkerPool(int threads)
    {
        for (int i = 0; i < threads; ++i)
            m_workers.emplace_back([this] { work(); });
    }

    ~WorkerPool()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_stopping = true;
            m_jobs.clear();
        }
        m_wake.notify_all();
        for (std::thread& worker : m_workers)
            worker.join();
    }

    int size() const { return int(m_workers.size()); }

    template <typename Result>
    std::future<Result> submit(std::function<Result()> job)
    {
        auto task = std::make_shared<std::packaged_task<Result()>>(std::move(job));
        std::future<Result> result = task->get_future();
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_jobs.emplace_back([task] { (*task)(); });
        }
        m_wake.notify_one();
        return result;
    }

private:
    void work()
    {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock<std::mutex> lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
                if (m_stopping)
                    return;
                job = std::move(m_jobs.front());
                m_jobs.pop_front();
            }
            job();
        }
    }

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::function<void()>> m_jobs;
    bool m_stopping = false;
    std::vector<std::thread> m_workers;
};

/// float32 samples -> 8-bit, or 16-bit big-endian, as OpenImageIO converts
/// (scaled_conversion: s = v * max; s += 0.5; clamp; truncate). The two
/// statements stay apart so that no fused multiply-add rounds differently.
void quantizeRow(const float* samples, size_t count, int bits, uint8_t* out)
{
    if (bits == 8) {
        for (size_t i = 0; i < count; ++i) {
            float s = samples[i] * 255.0f;
            s += 0.5f;
            out[i] = !(s > 0.0f) ? uint8_t(0) : s >= 255.0f ? uint8_t(255) : uint8_t(s);
        }
        return;
    }
    for (size_t i = 0; i < count; ++i) {
        float s = samples[i] * 65535.0f;
        s += 0.5f;
        const uint16_t value = !(s > 0.0f) ? uint16_t(0) : s >= 65535.0f ? uint16_t(65535) : uint16_t(s);
        out[2 * i] = uint8_t(value >> 8);
        out[2 * i + 1] = uint8_t(value);
    }
}

int paeth(int left, int up, int upLeft)
{
    const int estimate = left + up - upLeft;
    const int toLeft = std::abs(estimate - left), toUp = std::abs(estimate - up),
              toUpLeft = std::abs(estimate - upLeft);
    if (toLeft <= toUp && toLeft <= toUpLeft)
        return left;
    return toUp <= toUpLeft ? up : upLeft;
}

/// One filtered row: the filter type byte, then rowBytes filtered bytes.
/// `previous` is the raw row above (all zeros for the first row); `bpp` the
/// bytes per pixel. adaptive: the filter whose bytes, read as signed, have
/// the smallest sum of absolute values (libpng's default); else None.
/// `scratch` holds 5 * rowBytes bytes.
void filterRow(const uint8_t* row, const uint8_t* previous, size_t rowBytes, size_t bpp, bool adaptive,
               uint8_t* out, uint8_t* scratch)
{
    if (!adaptive) {
        out[0] = 0;
        std::memcpy(out + 1, row, rowBytes);
        return;
    }
    uint64_t sums[5] = {0, 0, 0, 0, 0};
    uint8_t* filtered[5];
    for (int f = 0; f < 5; ++f)
        filtered[f] = scratch + size_t(f) * rowBytes;
    auto magnitude = [](uint8_t byte) { return uint64_t(byte < 128 ? byte : 256 - byte); };
    for (size_t i = 0; i < rowBytes; ++i) {
        const int x = row[i];
        const int left = i >= bpp ? row[i - bpp] : 0;
        const int up = previous[i];
        const int upLeft = i >= bpp ? previous[i - bpp] : 0;
        const uint8_t candidates[5] = {uint8_t(x), uint8_t(x - left), uint8_t(x - up), uint8_t(x - ((left + up) >> 1)),
                                       uint8_t(x - paeth(left, up, upLeft))};
        for (int f = 0; f < 5; ++f) {
            filtered[f][i] = candidates[f];
            sums[f] += magnitude(candidates[f]);
        }
    }
    const int best = int(std::min_element(sums, sums + 5) - sums);
    out[0] = uint8_t(best);
    std::memcpy(out + 1, filtered[best], rowBytes);
}

/// What a segment job returns: its part of the zlib stream.
struct CompressedSegment {
    std::vector<uint8_t> bytes; ///< raw deflate data, ending with a sync flush (or the final block)
    uLong adler = 1;            ///< adler32 of the segment's filtered bytes
    uLong length = 0;           ///< how many filtered bytes
    bool last = false;          ///< ends the stream (the adler32 follows it)
};

/// A run of raw rows to filter and deflate. rows holds, in order: up to one
/// predecessor row (only for filtering the next), the dictionary rows
/// (filtered again here, to prime deflate with the 32 KiB before the
/// segment), then the segment's own rows.
struct SegmentJob {
    std::vector<uint8_t> rows;
    size_t rowBytes = 0;
    size_t bpp = 1;
    int firstImageRow = 0; ///< image row of rows' first row
    int ownStart = 0;      ///< index in rows of the first own row
    int level = 6;
    bool last = false;

    CompressedSegment run() const
    {
        const int rowCount = int(rows.size() / rowBytes);
        const bool adaptive = level > 0;
        const std::vector<uint8_t> zeros(rowBytes, 0);
        std::vector<uint8_t> scratch(adaptive ? 5 * rowBytes : 0);
        // The first row has nothing above it only at the image's top; elsewhere
        // rows' first row is a predecessor and is not filtered itself.
        const int filterStart = firstImageRow == 0 ? 0 : 1;
        std::vector<uint8_t> filtered(size_t(rowCount - filterStart) * (rowBytes + 1));
        for (int r = filterStart; r < rowCount; ++r)
            filterRow(rows.data() + size_t(r) * rowBytes, r == 0 ? zeros.data() : rows.data() + size_t(r - 1) * rowBytes,
                      rowBytes, bpp, adaptive, filtered.data() + size_t(r - filterStart) * (rowBytes + 1),
                      scratch.data());
        const size_t dictionaryEnd = size_t(ownStart - filterStart) * (rowBytes + 1);
        const uint8_t* input = filtered.data() + dictionaryEnd;
        const size_t inputSize = filtered.size() - dictionaryEnd;

        z_stream stream{};
        if (deflateInit2(&stream, level, Z_DEFLATED, -15, 8, adaptive ? Z_FILTERED : Z_DEFAULT_STRATEGY) != Z_OK)
            throw Error(ErrorCode::Internal, "zlib refused deflate level " + std::to_string(level));
        struct End {
            z_stream* stream;
            ~End() { deflateEnd(stream); }
        } end{&stream};
        if (dictionaryEnd > 0) {
            const size_t size = std::min(dictionaryEnd, kDictionaryBytes);
            deflateSetDictionary(&stream, filtered.data() + dictionaryEnd - size, uInt(size));
        }
        CompressedSegment segment;
        segment.bytes.resize(deflateBound(&stream, uLong(inputSize)) + 64);
        stream.next_in = const_cast<Bytef*>(input);
        stream.avail_in = uInt(inputSize);
        for (;;) {
            stream.next_out = segment.bytes.data() + stream.total_out;
            stream.avail_out = uInt(segment.bytes.size() - stream.total_out);
            const int status = deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH);
            if (status == Z_STREAM_END || (!last && status == Z_OK && stream.avail_in == 0 && stream.avail_out > 0))
                break;
            if (status != Z_OK && status != Z_BUF_ERROR)
                throw Error(ErrorCode::Internal, "deflate failed (zlib status " + std::to_string(status) + ")");
            segment.bytes.resize(segment.bytes.size() * 2);
        }
        segment.bytes.resize(stream.total_out);
        segment.adler = adler32(1, input, uInt(inputSize));
        segment.length = uLong(inputSize);
        segment.last = last;
        return segment;
    }
};

} // namespace

std::vector<uint8_t> pngChunk(const char type[4], const uint8_t* data, size_t size)
{
    std::vector<uint8_t> chunk(12 + size);
    putBigEndian32(chunk.data(), uint32_t(size));
    std::memcpy(chunk.data() + 4, type, 4);
    if (size > 0)
        std::memcpy(chunk.data() + 8, data, size);
    putBigEndian32(chunk.data() + 8 + size, uint32_t(crc32(0, chunk.data() + 4, uInt(size + 4))));
    return chunk;
}

struct PngEncoder::Impl {
    PngEncoderSettings settings;
    ByteWriter write;
    WorkerPool pool;
    size_t rowSamples = 0;   ///< floats per row
    size_t rowBytes = 0;     ///< raw bytes per row
    size_t bpp = 1;          ///< raw bytes per pixel
    int segmentRows = 1;     ///< own rows per segment
    int dictionaryRows = 0;  ///< filtered rows that cover deflate's window
    int rowsReceived = 0;
    std::vector<uint8_t> current; ///< the next segment's raw rows (context rows first)
    int currentFirstRow = 0;      ///< image row of current's first row
    int currentOwnStart = 0;      ///< index of the first own row in current
    std::deque<std::future<CompressedSegment>> pending;
    bool wroteFirstData = false;
    uLong adler = 1;
    bool finished = false;

    Impl(const PngEncoderSettings& s, ByteWriter w)
        : settings(s), write(std::move(w)),
          pool(s.threads > 0 ? std::min(s.threads, 64)
                             : std::clamp(int(std::thread::hardware_concurrency()), 1, 64))
    {
    }

    int currentRows() const { return int(current.size() / rowBytes); }

    // Hands the context rows and the next `ownRows` rows to a worker; keeps
    // the context the following segment needs (a predecessor row and the
    // dictionary rows) and the rows not taken.
    void cutSegment(int ownRows, bool last)
    {
        SegmentJob job;
        job.rowBytes = rowBytes;
        job.bpp = bpp;
        job.firstImageRow = currentFirstRow;
        job.ownStart = currentOwnStart;
        job.level = settings.level;
        job.last = last;
        const int end = currentOwnStart + ownRows; // rows of current the job takes
        const int keep = std::min(end, dictionaryRows + 1);
        const auto at = [this](int row) { return current.begin() + std::ptrdiff_t(size_t(row) * rowBytes); };
        job.rows.assign(current.begin(), at(end));
        current.erase(current.begin(), at(end - keep));
        currentFirstRow += end - keep;
        currentOwnStart = keep;
        pending.push_back(pool.submit<CompressedSegment>([job = std::move(job)] { return job.run(); }));
    }

    void writeSegment(const CompressedSegment& segment)
    {
        const bool last = segment.last;
        // IDAT data: [zlib header] deflate segment [adler32 of the whole stream]
        uint8_t header[2] = {0x78, 0x01};
        if (settings.level >= 7)
            header[1] = 0xDA;
        else if (settings.level == 6)
            header[1] = 0x9C;
        else if (settings.level >= 2)
            header[1] = 0x5E;
        adler = adler32_combine(adler, segment.adler, z_off_t(segment.length));
        uint8_t trailer[4];
        putBigEndian32(trailer, uint32_t(adler));
        const size_t headerSize = wroteFirstData ? 0 : 2, trailerSize = last ? 4 : 0;
        uint8_t lengthAndType[8];
        putBigEndian32(lengthAndType, uint32_t(headerSize + segment.bytes.size() + trailerSize));
        std::memcpy(lengthAndType + 4, "IDAT", 4);
        uLong crc = crc32(0, lengthAndType + 4, 4);
        crc = crc32(crc, header, uInt(headerSize));
        crc = crc32(crc, segment.bytes.data(), uInt(segment.bytes.size()));
        crc = crc32(crc, trailer, uInt(trailerSize));
        uint8_t crcBytes[4];
        putBigEndian32(crcBytes, uint32_t(crc));
        write(lengthAndType, 8);
        if (headerSize)
            write(header, headerSize);
        write(segment.bytes.data(), segment.bytes.size());
        if (trailerSize)
            write(trailer, trailerSize);
        write(crcBytes, 4);
        wroteFirstData = true;
    }

    void checkRows(int rowCount) const
    {
        if (finished || rowCount <= 0 || rowCount > settings.height - rowsReceived)
            throw Error(ErrorCode::InvalidArgument, "PNG encoder: " + std::to_string(rowCount) + " rows after "
                                                        + std::to_string(rowsReceived) + " of "
                                                        + std::to_string(settings.height));
    }

    // Full segments that end before the image does; the rest once all rows are here.
    void cutFullSegments()
    {
        auto ownRows = [this] { return currentRows() - currentOwnStart; };
        while (ownRows() >= segmentRows && currentFirstRow + currentOwnStart + segmentRows < settings.height)
            cutSegment(segmentRows, false);
        if (rowsReceived == settings.height)
            cutSegment(ownRows(), true);
        drain(false);
    }

    // Writes finished segments in order; waits for the oldest while more than
    // two per worker are in flight, so memory stays bounded.
    void drain(bool all)
    {
        while (!pending.empty()) {
            std::future<CompressedSegment>& front = pending.front();
            const bool tooMany = pending.size() > size_t(2 * pool.size());
            if (!all && !tooMany && front.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
                return;
            const CompressedSegment segment = front.get();
            pending.pop_front();
            writeSegment(segment);
        }
    }
};

PngEncoder::PngEncoder(const PngEncoderSettings& settings, ByteWriter write)
{
    if (settings.width <= 0 || settings.height <= 0 || settings.channels < 1 || settings.channels > 4
        || (settings.bits != 8 && settings.bits != 16) || settings.level < 0 || settings.level > 9)
        throw Error(ErrorCode::InvalidArgument,
                    "PNG encoder: impossible settings " + std::to_string(settings.width) + "x"
                        + std::to_string(settings.height) + ", " + std::to_string(settings.channels) + " channels, "
                        + std::to_string(settings.bits) + " bits, level " + std::to_string(settings.level));
    if (settings.width > 0x7fffffff / 8 || settings.height > 0x7fffffff)
        throw Error(ErrorCode::InvalidArgument, "PNG encoder: " + std::to_string(settings.width) + "x"
                                                    + std::to_string(settings.height) + " is too large for PNG");
    m_impl = std::make_unique<Impl>(settings, std::move(write));
    Impl& impl = *m_impl;
    impl.rowSamples = size_t(settings.width) * size_t(settings.channels);
    impl.bpp = size_t(settings.channels) * size_t(settings.bits / 8);
    impl.rowBytes = impl.rowSamples * size_t(settings.bits / 8);
    impl.segmentRows = int(std::max<size_t>(1, settings.segmentBytes / impl.rowBytes));
    impl.dictionaryRows = int((kDictionaryBytes + impl.rowBytes) / (impl.rowBytes + 1));

    static const uint8_t kColourTypes[4] = {0, 4, 2, 6}; // grey, grey + alpha, RGB, RGBA
    uint8_t header[13];
    putBigEndian32(header, uint32_t(settings.width));
    putBigEndian32(header + 4, uint32_t(settings.height));
    header[8] = uint8_t(settings.bits);
    header[9] = kColourTypes[settings.channels - 1];
    header[10] = header[11] = header[12] = 0; // deflate, adaptive filtering, not interlaced
    impl.write(kSignature, sizeof kSignature);
    const std::vector<uint8_t> ihdr = pngChunk("IHDR", header, sizeof header);
    impl.write(ihdr.data(), ihdr.size());
    if (!settings.chunksBeforeData.empty())
        impl.write(settings.chunksBeforeData.data(), settings.chunksBeforeData.size());
}

PngEncoder::~PngEncoder() = default;

void PngEncoder::writeRows(int rowCount, const float* pixels)
{
    Impl& impl = *m_impl;
    impl.checkRows(rowCount);
    // Quantise in parallel: the band's rows split among the workers and the caller.
    const size_t start = impl.current.size();
    impl.current.resize(start + size_t(rowCount) * impl.rowBytes);
    const int parts = std::min(rowCount, impl.pool.size() + 1);
    const int rowsPerPart = (rowCount + parts - 1) / parts;
    auto quantize = [&impl, start, pixels, rowsPerPart, rowCount](int part) {
        const int first = part * rowsPerPart, last = std::min(rowCount, first + rowsPerPart);
        for (int r = first; r < last; ++r)
            quantizeRow(pixels + size_t(r) * impl.rowSamples, impl.rowSamples, impl.settings.bits,
                        impl.current.data() + start + size_t(r) * impl.rowBytes);
    };
    std::vector<std::future<void>> helpers;
    for (int part = 1; part < parts; ++part)
        helpers.push_back(impl.pool.submit<void>([&quantize, part] { quantize(part); }));
    quantize(0);
    for (std::future<void>& helper : helpers)
        helper.get();
    impl.rowsReceived += rowCount;
    impl.cutFullSegments();
}

void PngEncoder::writeBytes(int rowCount, const uint8_t* samples)
{
    Impl& impl = *m_impl;
    if (impl.settings.bits != 8)
        throw Error(ErrorCode::InvalidArgument, "PNG encoder: 8-bit rows for a 16-bit file");
    impl.checkRows(rowCount);
    impl.current.insert(impl.current.end(), samples, samples + size_t(rowCount) * impl.rowBytes);
    impl.rowsReceived += rowCount;
    impl.cutFullSegments();
}

void PngEncoder::finish()
{
    Impl& impl = *m_impl;
    if (impl.finished || impl.rowsReceived != impl.settings.height)
        throw Error(ErrorCode::InvalidArgument, "PNG encoder: finish after " + std::to_string(impl.rowsReceived)
                                                    + " of " + std::to_string(impl.settings.height) + " rows");
    impl.drain(true);
    if (!impl.settings.chunksAfterData.empty())
        impl.write(impl.settings.chunksAfterData.data(), impl.settings.chunksAfterData.size());
    const std::vector<uint8_t> end = pngChunk("IEND", nullptr, 0);
    impl.write(end.data(), end.size());
    impl.finished = true;
}

} // namespace tessera

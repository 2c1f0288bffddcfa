#include "tiling/tiled_runner.h"

#include "common/error.h"
#include "common/int_math.h"
#include "common/torch_compat.h"
#include "image/tensor_convert.h"
#include "tiling/finite_rows.h"
#include "tiling/row_writer.h"
#include "tiling/tile_accumulator.h"
#include "tiling/tile_tensors.h"
#include "tiling/tile_workers.h"

#include <ATen/record_function.h>
#include <c10/core/DeviceGuard.h>
#include <c10/core/Event.h>
#include <c10/core/InferenceMode.h>
#include <c10/core/StreamGuard.h>
#include <c10/core/impl/VirtualGuardImpl.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <deque>
#include <future>
#include <memory>
#include <optional>
#include <string>

namespace tessera {

AlphaMode parseAlphaMode(const std::string& text)
{
    if (text == "model")
        return AlphaMode::Model;
    if (text == "resize")
        return AlphaMode::Resize;
    throw Error(ErrorCode::InvalidArgument,
                "unknown alpha mode '" + text + "' (expected model or resize)");
}

const char* alphaModeName(AlphaMode mode)
{
    return mode == AlphaMode::Model ? "model" : "resize";
}

namespace {

std::string gigabytes(int64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.1f GB", double(bytes) / double(int64_t(1) << 30));
    return text;
}

} // namespace

namespace {

/// Tiles along a side of `length` (tile_plan.cpp's tileStarts: the last tile is
/// shifted inward to end at the border).
int tilesAlong(int length, int tile, int overlap)
{
    if (length <= tile)
        return 1;
    const int stride = std::max(1, tile - overlap);
    return 1 + (length - tile + stride - 1) / stride;
}

} // namespace

int balancedTileSize(int size, int width, int height, int overlap)
{
    auto count = [&](int tile) {
        const int o = overlap >= 0 ? std::min(overlap, tile / 2) : defaultOverlap(tile);
        return std::pair{tilesAlong(width, tile, o), tilesAlong(height, tile, o)};
    };
    if (size < 2 || (width <= size && height <= size))
        return size;
    const auto [columns, rows] = count(size);
    // The counts only grow as the tile shrinks: the smallest that keeps them.
    int lo = 1, hi = size;
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        const auto [c, r] = count(mid);
        if (c <= columns && r <= rows)
            hi = mid;
        else
            lo = mid + 1;
    }
    return hi;
}

int autoTileSize(const AutoTileInput& in, std::vector<std::string>* notes)
{
    int64_t freeBytes = in.freeBytes;
    std::string where;
    if (freeBytes < 0)
        freeBytes = deviceMemory(in.device).freeBytes;
    where = in.device.kind == DeviceKind::Cuda ? "free on " + deviceName(in.device) : "RAM available";
    if (freeBytes <= 0) {
        if (notes)
            notes->emplace_back("auto tile size 512 (free memory unknown)");
        return 512;
    }
    // Half: measured on an H200 (tests/bench/NOTES.md), a whole 4096² RRDBNet
    // tile in three quarters of its memory ran 1.4x slower than balanced tiles.
    const int64_t budget = freeBytes / 2;
    const int k = std::max(1, in.inputMultiple);
    // A padded tile's (or the padded image's) working memory.
    auto cost = [&](int width, int height) {
        return int64_t(roundUpToMultiple(width + 2 * in.halo, k))
               * roundUpToMultiple(height + 2 * in.halo, k) * in.bytesPerPixel;
    };
    const int whole = std::max(in.width, in.height);
    int size = 0;
    std::string why;
    if (in.bytesPerPixel > 0 && whole > 0 && cost(in.width, in.height) <= budget) {
        size = whole;
        why = "the whole image as one tile";
    } else {
        size = recommendedTileSize(freeBytes);
        if (in.bytesPerPixel > 0)
            while (size > 64 && cost(size, size) > budget)
                size /= 2;
        const int balanced = balancedTileSize(size, in.width, in.height, in.overlap);
        if (balanced < size && in.width > 0 && in.height > 0) {
            why = "balanced from " + std::to_string(size) + " to the fewest tiles per side";
            size = balanced;
        }
    }
    // Several devices: the largest size that gives each two tiles, so that
    // none idles while another finishes the only tile.
    auto tileCount = [&](int side) {
        const int o = in.overlap >= 0 ? std::min(in.overlap, side / 2) : defaultOverlap(side);
        return int64_t(tilesAlong(in.width, side, o)) * tilesAlong(in.height, side, o);
    };
    const int64_t wanted = 2 * int64_t(in.devices);
    if (in.devices > 1 && in.width > 0 && in.height > 0 && tileCount(size) < wanted && size > 64) {
        int lo = 64, hi = size;
        while (lo < hi) {
            const int mid = lo + (hi - lo + 1) / 2;
            if (tileCount(mid) >= wanted)
                lo = mid;
            else
                hi = mid - 1;
        }
        size = balancedTileSize(lo, in.width, in.height, in.overlap);
        why = "two tiles for each of " + std::to_string(in.devices) + " devices";
    }
    if (notes) {
        std::string note = "auto tile size " + std::to_string(size);
        if (!why.empty())
            note += ", " + why;
        note += " (" + gigabytes(freeBytes) + " " + where;
        if (in.bytesPerPixel > 0)
            note += ", model " + std::to_string(in.bytesPerPixel) + " bytes per pixel";
        note += ")";
        notes->push_back(note);
    }
    return size;
}

TileSettings resolveTileSettings(const TileModel& model, const TiledOptions& options, int width,
                                 int height, std::vector<std::string>* notes)
{
    TileSettings settings;
    settings.halo = options.halo >= 0 ? options.halo : defaultHalo(model.receptiveRadius);
    settings.overlap = options.overlap;
    settings.scale = model.scale;
    settings.inputMultiple = model.inputMultiple;
    if (options.tileSize > 0) {
        settings.tileSize = options.tileSize;
    } else {
        AutoTileInput in;
        in.device = model.device;
        in.bytesPerPixel = model.bytesPerPixel;
        in.halo = settings.halo;
        in.overlap = options.overlap;
        in.width = width;
        in.height = height;
        in.inputMultiple = leastCommonMultiple(std::max(1, model.inputMultiple),
                                               std::max(1, model.scale.den));
        in.devices = options.devices;
        settings.tileSize = autoTileSize(in, notes);
    }
    return settings;
}

namespace {

using detail::ChannelMapper;

/// Input rows [first, first + rows) of the image on the first model's device,
/// as a [C, rows, W] view: tiles are gathered from it channels first.
struct Band {
    at::Tensor rows;
    int first = 0;
};

/// Input rows on their way to the device: [R, W, C] float32 there once
/// `arrived` (recorded on the stream that uploaded them; null when they were
/// made on the current stream) has happened.
struct ArrivingRows {
    at::Tensor rows;
    std::shared_ptr<c10::Event> arrived;
};

/// One batch of plan tiles, queued and not yet blended.
struct PendingBatch {
    int row = 0;
    std::vector<const Tile*> tiles;
    Band band; ///< what the batch is gathered from (a split retry reads it again)
    /// The workers' result, [N, C, s * th, s * tw]; without workers the batch
    /// runs when its output is wanted.
    std::future<at::Tensor> queued;
};

class Runner {
public:
    Runner(RowSource& source, RowSink& sink, const std::vector<TileModel>& models, const TiledOptions& options,
           const CancelToken& cancel, const ProgressSink& progress)
        : m_source(source), m_sink(sink), m_models(models), m_model(m_models.front()), m_options(options),
          m_cancel(cancel), m_progress(progress), m_weights(options.ramp, toTorchDevice(m_model.device))
    {
    }

    TiledReport run();

private:
    /// Makes the band of input rows tile row `row` needs, and starts reading
    /// and uploading the rows the next tile row adds while the device works
    /// on this one.
    void loadBand(int row);
    /// Rows [from, to) of the source on the host: [to - from, W, C] float32,
    /// or uint8 from an 8-bit source (fetchRows makes them floats); pinned
    /// for a CUDA device so that their upload is asynchronous.
    at::Tensor readRows(int from, int to);
    /// Rows [from, to) as [to - from, W, C] float32 on the model's device.
    /// With `uploadStream` (a CUDA device, the reading thread) the upload and
    /// the bytes' conversion run there, after the event the result carries;
    /// else on the current stream.
    ArrivingRows fetchRows(int from, int to, const std::optional<c10::Stream>& uploadStream);
    /// Loads tile row `row`'s band and starts its batches: on the workers when
    /// there are several devices, else here and now.
    void queueRow(int row);
    /// The output of a queued batch, one [C, s * th, s * tw] per tile; runs
    /// it again in parts after out-of-memory.
    std::vector<at::Tensor> outputsOf(PendingBatch& batch);
    /// The batch's padded tiles: [N, C, ph, pw] on the first device.
    at::Tensor gather(const PendingBatch& batch) const;
    /// Where a padded tile's output holds the tile (the halo's output dropped).
    TileRect tileInOutput() const;
    /// The batch's plan tiles run together here. returns [N, C, s * th, s * tw]
    at::Tensor runBatch(const PendingBatch& batch);
    /// Any area inside the image, run whole when it fits in `limit`, else (or on
    /// out-of-memory) in parts. returns [C, s * area.height, s * area.width]
    at::Tensor runArea(const Band& band, const TileRect& area, int limit);
    /// `area` in tiles of at most `limit`, blended like the plan's tiles.
    /// returns [C, s * area.height, s * area.width]
    at::Tensor runSplit(const Band& band, const TileRect& area, int limit);
    /// Half of `limit`, kept on a multiple of the scale's den so that parts
    /// stay on exact output coordinates.
    int halved(int limit) const;
    void lowerLimit(int limit);

    RowSource& m_source;
    RowSink& m_sink;
    const std::vector<TileModel> m_models;
    /// The first device's model: the band, the blending and the split retries live there.
    const TileModel& m_model;
    TiledOptions m_options;
    const CancelToken& m_cancel;
    const ProgressSink& m_progress;

    TilePlan m_plan;
    std::unique_ptr<ChannelMapper> m_mapper;
    /// With several models: a worker per model, fed one tile row ahead.
    std::unique_ptr<detail::TileWorkers> m_workers;
    std::deque<PendingBatch> m_pending; ///< in plan order
    BlendWeightCache m_weights;
    TiledReport m_report;
    int m_limit = 0; ///< largest tile side that currently runs whole
    int m_batch = 1;
    std::vector<int> m_needFirst, m_needLast; ///< input rows per tile row, monotone
    /// Input rows [m_bandFirst, m_bandLast) on the model's device: [rows, W, C]
    /// float32, assembled there from the rows kept of the last band and the
    /// new rows (one asynchronous upload per tile row).
    at::Tensor m_band;
    Band m_gatherBand; ///< m_band as [C, rows, W]
    int m_bandFirst = 0;
    int m_bandLast = 0;
    /// The next tile row's new rows, being read (and uploaded, on
    /// m_uploadStream) on another thread.
    std::future<ArrivingRows> m_nextRows;
    std::optional<c10::Stream> m_uploadStream; ///< a CUDA device's copy stream for the rows ahead
    int m_nextFrom = 0, m_nextTo = 0;
    /// Pixels replaced by the non-finite rule: on the host (read on either
    /// thread) and on the device (a scalar there, read once at the end).
    std::atomic<int64_t> m_hostNonFinite{0};
    at::Tensor m_deviceNonFinite;
};

/// "tile 3 (x 96, y 0, 32 x 32 px)", or "tiles 3, 4 (...)" for a batch.
std::string describeTiles(const std::vector<const Tile*>& tiles)
{
    std::string text = tiles.size() == 1 ? "tile " : "tiles ";
    for (size_t i = 0; i < tiles.size(); ++i) {
        const TileRect& area = tiles[i]->area;
        text += (i ? ", " : "") + std::to_string(tiles[i]->index) + " (x " + std::to_string(area.x) + ", y "
                + std::to_string(area.y) + ", " + std::to_string(area.width) + " x "
                + std::to_string(area.height) + " px)";
    }
    return text;
}

TiledReport Runner::run()
{
    if (!m_model.forward)
        throw Error(ErrorCode::InvalidArgument, "the tile model has no forward function");
    if (m_options.batch < 1)
        throw Error(ErrorCode::InvalidArgument,
                    "batch must be at least 1, not " + std::to_string(m_options.batch));
    const int width = m_source.width();
    const int height = m_source.height();
    m_plan = TilePlan(width, height, resolveTileSettings(m_model, m_options, width, height, &m_report.notes));
    m_mapper = std::make_unique<ChannelMapper>(m_model, m_source.channels(), m_options.alpha);
    m_report.tileSize = m_plan.settings().tileSize;
    m_report.overlap = m_plan.settings().overlap;
    m_report.halo = m_plan.settings().halo;
    m_report.tiles = m_plan.tileCount();
    m_limit = std::max(m_plan.tileWidth(), m_plan.tileHeight());
    m_batch = m_options.batch;

    // Input rows each tile row reads (with room for the multiple-of padding of
    // split sub-tiles), made monotone so rows are read once, in order.
    const int rows = m_plan.rows();
    m_needFirst.assign(size_t(rows), 0);
    m_needLast.assign(size_t(rows), 0);
    for (int r = 0; r < rows; ++r)
        m_plan.inputRowsOf(r, m_plan.padMultiple(), &m_needFirst[size_t(r)], &m_needLast[size_t(r)]);
    for (int r = rows - 2; r >= 0; --r)
        m_needFirst[size_t(r)] = std::min(m_needFirst[size_t(r)], m_needFirst[size_t(r) + 1]);
    for (int r = 1; r < rows; ++r)
        m_needLast[size_t(r)] = std::max(m_needLast[size_t(r)], m_needLast[size_t(r) - 1]);

    if (m_models.size() > 1)
        m_workers = std::make_unique<detail::TileWorkers>(m_models, m_source.channels(), m_options.alpha, m_cancel);

    const ScaleRatio scale = m_plan.settings().scale;
    // Open output rows: those one tile row spans.
    TileAccumulator accumulator({0, 0, m_plan.outputWidth(), m_plan.outputHeight()},
                                m_mapper->outputChannels(), toTorchDevice(m_model.device),
                                scale.toOutput(m_plan.tileHeight()));
    m_sink.begin(m_plan.outputWidth(), m_plan.outputHeight(), m_mapper->outputChannels());
    // Finished rows go to the sink from the writer's thread while the next
    // tile row is computed.
    RowWriter writer(m_sink, toTorchDevice(m_model.device), m_options.sinkChunkRows);
    // An 8-bit file: rows rounded here, on the device, travel as bytes.
    const bool bytesRows = m_sink.storedBits() == 8;

    EtaEstimator eta;
    eta.start(m_plan.tileCount());
    int done = 0;
    if (m_progress)
        m_progress(eta.update(0, "upscale"));
    // Several devices work one tile row ahead of the blending, so none waits
    // at a row's end; one device runs each batch as it is queued.
    const int ahead = m_workers ? 1 : 0;
    for (int r = 0; r < std::min(ahead, rows); ++r)
        queueRow(r);
    for (int r = 0; r < rows; ++r) {
        if (r + ahead < rows)
            queueRow(r + ahead);
        while (!m_pending.empty() && m_pending.front().row == r) {
            m_cancel.throwIfCancelled();
            PendingBatch batch = std::move(m_pending.front());
            m_pending.pop_front();
            // outputs: one [C, s * th, s * tw] per tile
            const std::vector<at::Tensor> outputs = outputsOf(batch);
            for (size_t i = 0; i < batch.tiles.size(); ++i) {
                const Tile& tile = *batch.tiles[i];
                const TileRect out = m_plan.toOutput(tile.blend);
                const TileRect area = m_plan.toOutput(tile.area);
                // values: [C, s * th, s * tw] -> the blend region [C, out.height, out.width]
                const at::Tensor values = outputs[i]
                                              .narrow(1, out.y - area.y, out.height)
                                              .narrow(2, out.x - area.x, out.width);
                accumulator.add(out, values, m_weights.y(m_plan, tile), m_weights.x(m_plan, tile));
                if (m_options.tileFinished)
                    m_options.tileFinished(tile, tensorToImage(outputs[i]));
            }
            done += int(batch.tiles.size());
            if (m_progress)
                m_progress(eta.update(done, "upscale"));
        }
        const int firstRow = accumulator.firstOpenRow();
        const at::Tensor finished = accumulator.takeRows(
            m_plan.outputRowsFinalAfter(r), bytesRows ? TileAccumulator::RowType::Bytes : TileAccumulator::RowType::Float);
        if (finished.size(0) > 0)
            writer.write(firstRow, finished);
    }
    writer.finish();
    m_report.nonFinitePixels =
        m_hostNonFinite.load() + (m_deviceNonFinite.defined() ? m_deviceNonFinite.item<int64_t>() : 0);
    m_report.smallestTileSize = std::min(m_limit, std::max(m_plan.tileWidth(), m_plan.tileHeight()));
    return m_report;
}

void Runner::queueRow(int row)
{
    loadBand(row);
    for (int c = 0; c < m_plan.columns();) {
        m_cancel.throwIfCancelled();
        PendingBatch batch;
        batch.row = row;
        for (int i = c; i < std::min(c + m_batch, m_plan.columns()); ++i)
            batch.tiles.push_back(&m_plan.tile(row, i));
        batch.band = m_gatherBand;
        if (m_options.tileStarted)
            for (const Tile* tile : batch.tiles)
                m_options.tileStarted(*tile);
        if (m_workers && m_limit >= std::max(m_plan.tileWidth(), m_plan.tileHeight()))
            batch.queued = m_workers->submit(gather(batch), tileInOutput(), toTorchDevice(m_model.device));
        c += int(batch.tiles.size());
        m_pending.push_back(std::move(batch));
    }
}

std::vector<at::Tensor> Runner::outputsOf(PendingBatch& batch)
{
    std::vector<at::Tensor> outputs;
    try {
        const int side = std::max(m_plan.tileWidth(), m_plan.tileHeight());
        // Queued batches were whole plan tiles when queued; others are run
        // whole now unless an out-of-memory has lowered the limit below them.
        const bool whole = batch.queued.valid() || m_limit >= side;
        bool failed = !whole;
        if (whole) {
            try {
                const at::Tensor output = batch.queued.valid() ? batch.queued.get() : runBatch(batch);
                for (size_t i = 0; i < batch.tiles.size(); ++i)
                    outputs.push_back(output[int64_t(i)]);
            } catch (const std::exception& error) {
                if (!detail::isOutOfMemoryError(error))
                    throw;
                failed = true;
                if (batch.tiles.size() > 1) {
                    if (m_batch > 1)
                        m_report.notes.push_back("out of memory with a batch of "
                                                 + std::to_string(batch.tiles.size())
                                                 + " tiles: continuing one tile at a time");
                    m_batch = 1;
                } else {
                    lowerLimit(halved(side)); // no lower than once: queued tiles may fail after the first
                }
            }
        }
        if (failed) {
            // The workers finish what they hold first: the first device's
            // model then runs these tiles alone, in parts if the limit is
            // below the tile.
            if (m_workers)
                m_workers->waitIdle();
            for (const Tile* tile : batch.tiles) {
                outputs.push_back(runArea(batch.band, tile->area, m_limit));
                if (m_limit < std::max(tile->area.width, tile->area.height))
                    ++m_report.splitTiles;
            }
        }
    } catch (const Error& error) {
        if (error.code() == ErrorCode::Cancelled || error.code() == ErrorCode::OutOfMemory)
            throw;
        throw Error(error.code(), std::string(error.what()) + " for " + describeTiles(batch.tiles));
    }
    return outputs;
}

void Runner::loadBand(int row)
{
    RECORD_USER_SCOPE("tessera::load_band");
    const int first = m_needFirst[size_t(row)];
    const int last = m_needLast[size_t(row)];
    const c10::Device device = toTorchDevice(m_model.device);
    std::vector<at::Tensor> parts;
    const int keepFrom = std::max(first, m_bandFirst);
    const int keepTo = std::min(last, m_bandLast);
    if (m_band.defined() && keepTo > keepFrom)
        parts.push_back(m_band.narrow(0, keepFrom - m_bandFirst, keepTo - keepFrom));
    const int readFrom = std::max(first, m_band.defined() ? m_bandLast : first);
    if (last > readFrom) {
        ArrivingRows fresh;
        if (m_nextRows.valid()) {
            const bool fits = m_nextFrom == readFrom && m_nextTo == last;
            fresh = m_nextRows.get();
            if (!fits)
                fresh = ArrivingRows();
        }
        if (!fresh.rows.defined())
            fresh = fetchRows(readFrom, last, std::nullopt);
        if (fresh.arrived) {
            // The current stream waits for the upload, not the host; and the
            // rows' memory (the upload stream's) is not reused before the
            // current stream is done with it.
            const c10::Stream current = c10::impl::VirtualGuardImpl(device.type()).getStream(device);
            fresh.arrived->block(current);
            fresh.rows.record_stream(current);
        }
        if (!device.is_cpu() && m_options.replaceNonFinite && m_source.storedBits() != 8) {
            const at::Tensor replaced = replaceNonFinitePixels(fresh.rows);
            m_deviceNonFinite = m_deviceNonFinite.defined() ? m_deviceNonFinite + replaced : replaced;
        }
        parts.push_back(fresh.rows);
    }
    // band: [last - first, W, C] on the device
    m_band = parts.size() == 1 ? parts[0] : at::cat(parts, 0);
    m_bandFirst = first;
    m_bandLast = last;
    // [rows, W, C] -> a [C, rows, W] view
    m_gatherBand = {m_band.permute({2, 0, 1}), first};
    if (row + 1 < m_plan.rows() && m_needLast[size_t(row) + 1] > last) {
        m_nextFrom = last;
        m_nextTo = m_needLast[size_t(row) + 1];
        if (device.is_cuda() && !m_uploadStream)
            m_uploadStream = c10::impl::VirtualGuardImpl(device.type()).getStreamFromGlobalPool(device);
        m_nextRows = std::async(std::launch::async, [this] {
            c10::InferenceMode inference;
            return fetchRows(m_nextFrom, m_nextTo, m_uploadStream);
        });
    }
}

at::Tensor Runner::readRows(int from, int to)
{
    RECORD_USER_SCOPE("tessera::read_rows"); // a named range in the bench's profile
    const bool pinned = m_model.device.kind == DeviceKind::Cuda;
    const bool bytes = m_source.storedBits() == 8;
    at::Tensor rows = at::empty({to - from, m_source.width(), m_source.channels()},
                                at::TensorOptions().dtype(bytes ? at::kByte : at::kFloat).pinned_memory(pinned));
    if (to > from) {
        if (bytes)
            m_source.readBytes(from, to - from, rows.data_ptr<uint8_t>());
        else
            m_source.readRows(from, to - from, rows.data_ptr<float>());
    }
    // On the CPU the rule runs here, on whichever thread reads; a device
    // applies it to the uploaded rows (loadBand). Bytes are always finite.
    if (m_options.replaceNonFinite && m_model.device.kind == DeviceKind::Cpu && !bytes)
        m_hostNonFinite += replaceNonFinitePixels(rows.data_ptr<float>(), size_t(rows.size(0)) * size_t(rows.size(1)),
                                                  int(rows.size(2)));
    return rows;
}

ArrivingRows Runner::fetchRows(int from, int to, const std::optional<c10::Stream>& uploadStream)
{
    const c10::Device device = toTorchDevice(m_model.device);
    at::Tensor rows = readRows(from, to);
    std::optional<c10::DeviceGuard> deviceGuard;
    std::optional<c10::StreamGuard> streamGuard;
    if (uploadStream) {
        deviceGuard.emplace(device);
        streamGuard.emplace(*uploadStream);
    }
    if (!device.is_cpu())
        rows = rows.to(device, /*non_blocking=*/true);
    // One kernel makes the floats: the byte cast to float, times the float
    // constant (a double scalar holding a float converts back exactly).
    if (rows.scalar_type() == at::kByte)
        rows = at::mul(rows, double(kByteToFloat));
    ArrivingRows arriving{rows, nullptr};
    if (uploadStream) {
        arriving.arrived = std::make_shared<c10::Event>(device.type());
        arriving.arrived->record(*uploadStream);
    }
    return arriving;
}

at::Tensor Runner::gather(const PendingBatch& batch) const
{
    std::vector<at::Tensor> inputs;
    for (const Tile* tile : batch.tiles)
        inputs.push_back(detail::reflectWindow(batch.band.rows, tile->halo, m_source.height(), batch.band.first));
    return at::stack(inputs);
}

TileRect Runner::tileInOutput() const
{
    const ScaleRatio s = m_plan.settings().scale;
    return {s.toOutput(m_plan.haloLeft()), s.toOutput(m_plan.haloTop()), s.toOutput(m_plan.tileWidth()),
            s.toOutput(m_plan.tileHeight())};
}

at::Tensor Runner::runBatch(const PendingBatch& batch)
{
    // y: [N, C', s * ph, s * pw] -> the tiles without their halo's output
    const at::Tensor y = m_mapper->infer(gather(batch));
    const TileRect crop = tileInOutput();
    return y.narrow(2, crop.y, crop.height).narrow(3, crop.x, crop.width);
}

at::Tensor Runner::runArea(const Band& band, const TileRect& area, int limit)
{
    if (std::max(area.width, area.height) > limit)
        return runSplit(band, area, limit);
    try {
        return detail::inferArea(*m_mapper, m_plan, band.rows, m_source.height(), band.first, area);
    } catch (const std::exception& error) {
        if (!detail::isOutOfMemoryError(error))
            throw;
    }
    lowerLimit(halved(limit));
    return runSplit(band, area, halved(limit));
}

at::Tensor Runner::runSplit(const Band& band, const TileRect& area, int limit)
{
    if (limit < m_options.minTileSize || limit < 1)
        throw Error(ErrorCode::OutOfMemory,
                    "out of memory even with tiles of " + std::to_string(limit * 2)
                        + " pixels; try a smaller --tile, --batch 1"
                        + (m_model.device.kind == DeviceKind::Cuda ? ", fp16 or the CPU" : ""));
    m_cancel.throwIfCancelled();
    TileSettings settings = m_plan.settings();
    settings.tileSize = limit;
    settings.overlap = std::min(settings.overlap, limit / 2);
    // Only the sub-plan's areas and blend bands are used: each part reads its
    // own halo from the image, so the parts fit together like plan tiles.
    const TilePlan sub(area.width, area.height, settings);
    TileAccumulator accumulator({0, 0, sub.outputWidth(), sub.outputHeight()},
                                m_mapper->outputChannels(), toTorchDevice(m_model.device));
    for (const Tile& part : sub.tiles()) {
        const TileRect partArea{area.x + part.area.x, area.y + part.area.y, part.area.width,
                                part.area.height};
        const TileRect out = sub.toOutput(part.blend);
        const TileRect partOut = sub.toOutput(part.area);
        // values: [C, s * h, s * w] -> the part's blend region [C, out.height, out.width]
        const at::Tensor values = runArea(band, partArea, limit)
                                      .narrow(1, out.y - partOut.y, out.height)
                                      .narrow(2, out.x - partOut.x, out.width);
        accumulator.add(out, values, m_weights.y(sub, part), m_weights.x(sub, part));
    }
    return accumulator.result();
}

int Runner::halved(int limit) const
{
    return roundDownToMultiple(limit / 2, m_plan.settings().scale.den);
}

void Runner::lowerLimit(int limit)
{
    if (limit >= m_limit)
        return;
    m_report.notes.push_back("out of memory with tiles of " + std::to_string(m_limit)
                             + " pixels: running the remaining tiles in parts of "
                             + std::to_string(limit));
    m_limit = limit;
}

} // namespace

TiledReport runTiled(RowSource& source, RowSink& sink, const TileModel& model,
                     const TiledOptions& options, const CancelToken& cancel,
                     const ProgressSink& progress)
{
    return runTiled(source, sink, std::vector<TileModel>{model}, options, cancel, progress);
}

TiledReport runTiled(RowSource& source, RowSink& sink, const std::vector<TileModel>& models,
                     const TiledOptions& options, const CancelToken& cancel,
                     const ProgressSink& progress)
{
    if (models.empty())
        throw Error(ErrorCode::InvalidArgument, "no tile model to run");
    for (const TileModel& model : models)
        if (!(model.scale == models.front().scale) || model.inputMultiple != models.front().inputMultiple
            || model.inChannels != models.front().inChannels || model.outChannels != models.front().outChannels)
            throw Error(ErrorCode::InvalidArgument, "the tile models of one run must be copies of one model");
    c10::InferenceMode inference;
    TiledOptions spread = options;
    spread.devices = int(models.size());
    Runner runner(source, sink, models, spread, cancel, progress);
    try {
        return runner.run();
    } catch (const Error&) {
        throw;
    } catch (const std::exception& error) {
        // LibTorch's allocation failures outside a tile (the reconstruction
        // buffer, say) become ours, with a hint.
        if (detail::isOutOfMemoryError(error)) {
            std::string what = error.what();
            what = what.substr(0, what.find('\n')); // LibTorch appends a backtrace
            throw Error(ErrorCode::OutOfMemory, what
                                                    + (models.front().device.kind == DeviceKind::Cuda
                                                           ? " (try a smaller tile size or the CPU)"
                                                           : " (try a smaller tile size)"));
        }
        throw;
    }
}

Image upscaleImage(const Image& image, const TileModel& model, const TiledOptions& options,
                   const CancelToken& cancel, const ProgressSink& progress, TiledReport* report)
{
    ImageRowSource source(image);
    ImageRowSink sink;
    TiledReport result = runTiled(source, sink, model, options, cancel, progress);
    if (report)
        *report = result;
    Image output = sink.take();
    output.metadata() = image.metadata();
    return output;
}

} // namespace tessera

#include "bridge/file_jobs.h"

#include "common/error.h"
#include "display/display_image.h"
#include "io/image_reader.h"
#include "pipeline/model_registry.h"

#include <QFileInfo>

#include <algorithm>

namespace tessera {

namespace {

/// Rows per band of an export: small enough for a smooth progress bar, large
/// enough that the encoder runs efficiently.
constexpr int kExportBandRows = 64;

ModelListing toListing(const ModelEntry& entry)
{
    ModelListing listing;
    listing.name = QString::fromStdString(entry.name);
    listing.path = QString::fromStdString(entry.path);
    listing.kind = entry.kind;
    listing.architecture = QString::fromStdString(entry.architecture);
    listing.scale = entry.scale;
    listing.details = QString::fromStdString(entry.details);
    listing.parameterCount = entry.parameterCount;
    listing.fileSize = entry.fileSize;
    listing.error = QString::fromStdString(entry.error);
    return listing;
}

} // namespace

void OpenImageJob::run(EngineContext&, const CancelToken& cancel, JobReporter&)
{
    m_image = std::make_shared<Image>(readImage(m_path.toStdString()));
    cancel.throwIfCancelled();
    m_display = toDisplayImage(*m_image);
}

void ExportImageJob::run(EngineContext&, const CancelToken& cancel, JobReporter& reporter)
{
    if (!m_image)
        throw Error(ErrorCode::InvalidArgument, "there is no result to export");
    const Image& image = *m_image;
    ImageFileWriter writer(m_path.toStdString(), image.width(), image.height(), image.channels(), image.metadata(),
                           m_options);
    const int64_t rowFloats = int64_t(image.width()) * image.channels();
    for (int y = 0; y < image.height(); y += kExportBandRows) {
        cancel.throwIfCancelled(); // the writer's destructor removes the temporary file
        const int rows = std::min(kExportBandRows, image.height() - y);
        writer.writeRows(y, rows, image.data() + rowFloats * y);
        reporter.progress(JobProgress{y + rows, image.height(), -1.0, QStringLiteral("export")});
    }
    writer.finish();
}

void ScanModelsJob::run(EngineContext&, const CancelToken& cancel, JobReporter&)
{
    const std::string path = m_path.toStdString();
    std::vector<ModelEntry> entries;
    if (QFileInfo(m_path).isDir())
        entries = scanModels(path);
    else
        entries.push_back(describeModelFile(path));
    cancel.throwIfCancelled();
    for (const ModelEntry& entry : entries) {
        m_listing.push_back(toListing(entry));
        if (entry.kind != ModelKind::Upscale || !entry.error.empty() || entry.scale < 1)
            continue;
        ModelChoice choice;
        choice.path = QString::fromStdString(entry.path);
        choice.name = QString::fromStdString(entry.name);
        if (entry.info)
            choice.info = *entry.info;
        choice.info.scale = entry.scale;
        choice.info.architecture = entry.architecture;
        choice.info.parameterCount = entry.parameterCount;
        choice.fileSize = entry.fileSize;
        m_models.push_back(choice);
    }
}

} // namespace tessera

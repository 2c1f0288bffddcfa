#pragma once
/// The GUI's file work, run off the GUI thread so the window never freezes:
/// opening an image (with its display copy), exporting a result with
/// progress, and scanning a models folder.

#include "bridge/engine_job.h"
#include "image/image.h"
#include "io/image_writer.h"
#include "bridge/model_choice.h"
#include "bridge/model_listing.h"

#include <QString>

#include <memory>
#include <vector>

namespace tessera {

/// Reads an image file and makes the QImage the view shows.
class OpenImageJob : public EngineJob {
public:
    explicit OpenImageJob(QString path) : m_path(std::move(path)) {}

    JobLane lane() const override { return JobLane::Files; }
    QString channel() const override { return QStringLiteral("open"); }
    void run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter) override;

    const QString& path() const { return m_path; }
    std::shared_ptr<Image> image() const { return m_image; }
    const QImage& display() const { return m_display; }

private:
    QString m_path;
    std::shared_ptr<Image> m_image;
    QImage m_display;
};

/// Writes an image band by band with progress ("export"); the file appears
/// only when complete, and a failed or cancelled export leaves any earlier
/// file untouched (core/io writes a temporary file and renames it).
class ExportImageJob : public EngineJob {
public:
    ExportImageJob(std::shared_ptr<const Image> image, QString path, WriteOptions options)
        : m_image(std::move(image)), m_path(std::move(path)), m_options(std::move(options))
    {
    }

    JobLane lane() const override { return JobLane::Files; }
    void run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter) override;

    const QString& path() const { return m_path; }

private:
    std::shared_ptr<const Image> m_image;
    QString m_path;
    WriteOptions m_options;
};

/// Describes the model files of a folder (recursively) or one model file,
/// from their headers: every file for the Models panel, and the upscale
/// models that can be used for the model picker.
class ScanModelsJob : public EngineJob {
public:
    explicit ScanModelsJob(QString path) : m_path(std::move(path)) {}

    JobLane lane() const override { return JobLane::Scan; }
    void run(EngineContext& context, const CancelToken& cancel, JobReporter& reporter) override;

    const QString& path() const { return m_path; }
    /// The usable upscale models, for the picker.
    const std::vector<ModelChoice>& models() const { return m_models; }
    /// Every file scanned (sorted by name), usable or not.
    const std::vector<ModelListing>& listing() const { return m_listing; }

private:
    QString m_path;
    std::vector<ModelChoice> m_models;
    std::vector<ModelListing> m_listing;
};

} // namespace tessera

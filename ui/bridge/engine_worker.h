#pragma once
/// The engine side of EngineController (ui/bridge only): lives on the worker
/// thread, holds the loaded model, and runs previews and full runs.

#include "common/cancel.h"
#include "image/image.h"
#include "panels/upscale_panel.h"

#include <QImage>
#include <QObject>
#include <QRect>

#include <memory>

namespace tessera {

class UpscaleModel;

class EngineWorker : public QObject {
    Q_OBJECT
public:
    EngineWorker();
    ~EngineWorker() override;

public slots:
    void setImage(std::shared_ptr<const tessera::Image> image);
    void runPreview(quint64 id, tessera::UpscaleSettings settings, int tileIndex, tessera::CancelToken cancel);
    void runFull(tessera::UpscaleSettings settings, tessera::CancelToken cancel);

signals:
    void previewReady(quint64 id, QRect outputRect, QImage pixels);
    void previewFailed(quint64 id, QString message);
    /// Seconds one tile of the current settings took (from previews and runs).
    void tileTimeMeasured(double seconds);
    void runStarted(int tileCount);
    void tileStarted(int index);
    void tileFinished(int index, QRect outputRect, QImage pixels);
    void runProgress(int done, int total, double etaSeconds);
    void runFinished(std::shared_ptr<tessera::Image> result, QString report);
    void runFailed(QString message);
    void runCancelled();

private:
    /// The model for these settings, loading or moving it when they changed.
    UpscaleModel& model(const UpscaleSettings& settings);

    std::shared_ptr<const Image> m_image;
    std::unique_ptr<UpscaleModel> m_model;
    QString m_modelPath;
    QString m_modelDevice;
    QString m_modelPrecision;
};

} // namespace tessera

#pragma once
/// The bridge between the Qt widgets and the engine: runs engine jobs on one
/// worker thread, so the GUI thread never waits on LibTorch. Results cross
/// threads as values (QImage, rectangles, progress numbers), progress is
/// throttled to about 30 updates a second, and previews are "latest wins":
/// a new preview request cancels the one in flight, and a result that is not
/// the latest is never delivered.
///
/// This header is Qt-only (no LibTorch), so the rest of ui/ can include it.

#include "common/cancel.h"
#include "image/image.h"
#include "panels/upscale_panel.h"

#include <QImage>
#include <QObject>
#include <QRect>
#include <QStringList>

#include <atomic>
#include <memory>

class QThread;

namespace tessera {

class EngineWorker;

class EngineController : public QObject {
    Q_OBJECT
public:
    explicit EngineController(QObject* parent = nullptr);
    /// Cancels what runs and waits for the worker thread to end.
    ~EngineController() override;

    /// "cpu" and one "cuda:N" per CUDA device.
    static QStringList availableDevices();
    /// The models in `folder` (recursively), described for the model picker.
    static std::vector<ModelChoice> scanModels(const QString& folder);
    /// The models folder: $TESSERA_MODELS, else ~/.local/share/tessera/models.
    static QString defaultModelsFolder();

    /// The image later jobs read (shared, never copied per job).
    void setImage(std::shared_ptr<const Image> image);

    /// Upscales the tiles around `tileIndex` of the plan the settings make,
    /// blended exactly as the full run will. Cancels the preview in flight;
    /// returns the request's id.
    quint64 requestPreview(const UpscaleSettings& settings, int tileIndex);
    /// Id of the newest preview request; results of older ones are dropped.
    quint64 latestPreviewId() const { return m_latestPreview.load(); }
    void cancelPreview();

    /// Starts the full run; previews are cancelled and paused until it ends.
    void startRun(const UpscaleSettings& settings);
    void cancelRun();
    bool isRunning() const { return m_running; }

signals:
    /// `outputRect` is in output pixels of the full result.
    void previewReady(quint64 id, QRect outputRect, QImage pixels);
    void previewFailed(quint64 id, QString message);
    /// Seconds one tile of the current settings took on the chosen device.
    void tileTimeMeasured(double seconds);

    void runStarted(int tileCount);
    void tileStarted(int index);
    /// A tile finished; `outputRect` (output pixels) holds its blended-so-far pixels.
    void tileFinished(int index, QRect outputRect, QImage pixels);
    void runProgress(int done, int total, double etaSeconds);
    void runFinished(std::shared_ptr<tessera::Image> result, QString report);
    void runFailed(QString message);
    void runCancelled();

private:
    QThread* m_thread = nullptr;
    EngineWorker* m_worker = nullptr;
    std::atomic<quint64> m_latestPreview{0};
    CancelToken m_previewToken;
    CancelToken m_runToken;
    bool m_running = false;
};

} // namespace tessera

Q_DECLARE_METATYPE(std::shared_ptr<tessera::Image>)
Q_DECLARE_METATYPE(std::shared_ptr<const tessera::Image>)
Q_DECLARE_METATYPE(tessera::UpscaleSettings)
Q_DECLARE_METATYPE(tessera::CancelToken)

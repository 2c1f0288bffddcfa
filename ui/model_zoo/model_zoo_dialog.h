#pragma once
/// The offer to download the model zoo into an empty models folder: what it
/// is, how large, where it goes; then progress with Cancel. Accepted once the
/// models are in place (the caller scans the folder again).

#include "model_zoo/model_zoo_download.h"

#include <QDialog>

class QLabel;
class QProgressBar;
class QPushButton;

namespace tessera {

class ModelZooDialog : public QDialog {
    Q_OBJECT
public:
    explicit ModelZooDialog(const QString& modelsFolder, ModelZooSource source = ModelZooSource::waifu2x(),
                            QWidget* parent = nullptr);

    // For tests: the controls and the download.
    QPushButton* downloadButton() const { return m_downloadButton; }
    QPushButton* cancelButton() const { return m_cancelButton; }
    QLabel* status() const { return m_status; }
    ModelZooDownload* download() const { return m_download; }

    /// Cancels a download in flight before closing.
    void reject() override;

private:
    void setRunning(bool running);

    ModelZooDownload* m_download = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_downloadButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    bool m_closeWhenCancelled = false;
};

} // namespace tessera

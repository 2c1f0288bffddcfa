#pragma once
/// Batch upscale: a list of image files and folders upscaled into an output
/// folder with the Upscale panel's model and tile settings, on the engine
/// thread (bridge/batch_jobs.h), with progress over the files and within
/// the file, Cancel, and a summary that lists every failure with its cause.
/// Remembers its choices (output folder, suffix, format, bit depth, the
/// check boxes) in QSettings under "batch/".

#include "bridge/batch_jobs.h"
#include "pipeline/upscale_plan.h"

#include <QDialog>
#include <QElapsedTimer>
#include <QString>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace tessera {

class EngineController;

class BatchDialog : public QDialog {
    Q_OBJECT
public:
    /// Runs on `engine` with `settings` (the Upscale panel's model and tile
    /// settings); `modelName` (empty: no model chosen) is shown, and `scale`
    /// makes the default suffix ("-x4").
    BatchDialog(EngineController* engine, UpscaleSettings settings, const QString& modelName, int scale,
                QWidget* parent = nullptr);

    /// Adds image files to the list (what Add Files… does with its choice).
    void addFiles(const QStringList& paths);
    /// Adds a folder, its subfolders too when `recursive` (what Add Folder… does).
    void addFolder(const QString& path, bool recursive);
    void setOutputFolder(const QString& folder);

    /// What Start would run.
    BatchRequest request() const;
    /// Starts the batch (the Start button) and remembers the choices; false
    /// when nothing is listed, no output folder or model is chosen, or a
    /// batch is running.
    bool start();
    /// Cancels the running batch (the Cancel button); it stops within the tile.
    void cancel();
    bool isRunning() const { return m_jobId != 0; }
    /// The summary shown once the batch ended.
    QString summary() const;

signals:
    /// The batch ended: finished (all files tried), failed (it could not
    /// start: no images, an unreadable model) or cancelled.
    void batchEnded();

protected:
    /// Esc and Close while a batch runs cancel it instead of closing.
    void reject() override;

private:
    void addFilesDialog();
    void addFolderDialog();
    void removeSelected();
    void browseOutput();
    void updateBits();
    void showProgress(const JobProgress& progress);
    void ended(const QString& headline, const QString& error);
    void setRunning(bool running);
    void remember() const;
    QString defaultSuffix() const;

    EngineController* m_engine;
    UpscaleSettings m_settings;
    int m_scale;
    bool m_haveModel;

    QListWidget* m_list = nullptr;
    QCheckBox* m_subfolders = nullptr;
    QLineEdit* m_output = nullptr;
    QLineEdit* m_suffix = nullptr;
    QComboBox* m_format = nullptr;
    QComboBox* m_bits = nullptr;
    QCheckBox* m_skipExisting = nullptr;
    QWidget* m_choices = nullptr; ///< everything a running batch must not change
    QLabel* m_fileLabel = nullptr;
    QProgressBar* m_filesBar = nullptr;
    QProgressBar* m_tilesBar = nullptr;
    QLabel* m_timeLabel = nullptr;
    QPlainTextEdit* m_summary = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_close = nullptr;

    std::shared_ptr<BatchUpscaleJob> m_job;
    quint64 m_jobId = 0;
    QElapsedTimer m_clock; ///< since Start, for the time left of the whole batch
};

} // namespace tessera

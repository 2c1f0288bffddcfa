#pragma once
/// The controls the panels share: spin boxes, model pickers filled from a
/// scan, the seed with its dice, the prompt boxes, and the run row
/// (progress, stage, Run / Cancel).

#include "bridge/model_listing.h"

#include <QString>
#include <QStringList>
#include <QWidget>

#include <cstdint>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace tessera {

/// A spin box over [minimum, maximum] that reports only finished edits (no keyboard tracking).
QSpinBox* makeSpin(int minimum, int maximum, int step, const QString& suffix = {});
QDoubleSpinBox* makeDoubleSpin(double minimum, double maximum, double step, int decimals);
/// A combo box whose items are `names`, each with its name as data.
QComboBox* makeNameCombo(const QStringList& names);

/// Refills `combo` with the usable files of `listing` of kind `kind` (item
/// data: the path), first an item for "none" (empty path) when `noneText`
/// is not empty. The chosen path stays chosen.
void fillModelCombo(QComboBox* combo, const std::vector<ModelListing>& listing, ModelKind kind,
                    const QString& noneText = {});
/// Chooses `path` (empty: the "none" item); a path the scan has not listed
/// (yet) is added by its file name.
void selectModelPath(QComboBox* combo, const QString& path);
/// The chosen path (empty for "none" or an empty list).
QString chosenModelPath(const QComboBox* combo);

/// Chooses the item whose data is `value`; an unknown value leaves the choice as it is.
void chooseItemData(QComboBox* combo, const QString& value);

/// Refills a device picker with `devices` ("cpu", "cuda:0", ...), keeping the chosen one.
void fillDeviceCombo(QComboBox* combo, const QStringList& devices);
/// fp16 / bf16 / fp32 (item data: precisionName()); fp16 first, the CPU runs fp32 whatever is chosen.
QComboBox* makePrecisionCombo();

/// A box for a prompt, a few lines high.
QPlainTextEdit* makePromptEdit(const QString& placeholder);

/// The seed (0 .. 2^64 - 1) with a dice button that draws a new one.
class SeedEdit : public QWidget {
    Q_OBJECT
public:
    explicit SeedEdit(QWidget* parent = nullptr);

    uint64_t seed() const;
    void setSeed(uint64_t seed);
    QPushButton* diceButton() const { return m_dice; }

signals:
    void seedChanged();

private:
    QLineEdit* m_edit = nullptr;
    QPushButton* m_dice = nullptr;
};

/// Progress bar, stage text and the Run / Cancel buttons of a panel.
class RunControls : public QWidget {
    Q_OBJECT
public:
    explicit RunControls(const QString& runText, QWidget* parent = nullptr);

    /// Switches the buttons between idle and running.
    void setRunning(bool running);
    /// `stage` is the engine's stage text ("tile 2/6, step 3/8"), `eta` the time left.
    void setProgress(int done, int total, const QString& stage, const QString& eta);
    QPushButton* runButton() const { return m_run; }
    QPushButton* cancelButton() const { return m_cancel; }
    QString stageText() const;

signals:
    void runRequested();
    void cancelRequested();

private:
    QProgressBar* m_progress = nullptr;
    QLabel* m_stage = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_cancel = nullptr;
};

} // namespace tessera

#pragma once
/// Chooses how to export a result: file, format, bit depth, quality or
/// compression, and whether metadata and the ICC profile are kept. Remembers
/// the last choice.

#include <QDialog>
#include <QString>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace tessera {

struct ExportChoice {
    QString path;
    int bits = 8;          ///< 8, 16 or 32 (float)
    int quality = 95;      ///< JPEG / WebP
    int pngLevel = 4;      ///< PNG deflate level: 0 stores, 1 is the fastest, 9 the smallest (4: the engine's default)
    bool keepMetadata = true;
};

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    /// `suggestedPath` is used when no earlier choice was saved.
    explicit ExportDialog(const QString& suggestedPath, QWidget* parent = nullptr);

    ExportChoice choice() const;
    /// Saves the choice for next time (called on accept).
    void remember() const;

    /// Bit depths the format of `extension` can store.
    static QList<int> bitsFor(const QString& extension);
    /// How the bit depth combo names `bits` for `extension` ("16-bit half float" for EXR).
    static QString bitsLabel(int bits, const QString& extension);

private:
    void browse();
    void updateForFormat();
    QString extension() const;

    QLineEdit* m_path = nullptr;
    QComboBox* m_format = nullptr;
    QComboBox* m_bits = nullptr;
    QSpinBox* m_quality = nullptr;
    QSpinBox* m_pngLevel = nullptr;
    QCheckBox* m_keepMetadata = nullptr;
};

} // namespace tessera

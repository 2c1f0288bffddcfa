#pragma once
/// Preferences: the interface language (the system's by default) and the
/// models folder. Stored in QSettings ("ui/language", "models/folder"); the
/// language applies at the next start.

#include <QDialog>

class QComboBox;
class QLineEdit;

namespace tessera {

class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget* parent = nullptr);

    /// "" for the system language, else "en", "de" or "ja".
    QString language() const;
    QString modelsFolder() const;
    /// Writes the choices to QSettings.
    void save() const;

private:
    QComboBox* m_language = nullptr;
    QLineEdit* m_modelsFolder = nullptr;
};

} // namespace tessera

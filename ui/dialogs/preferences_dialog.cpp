#include "dialogs/preferences_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace tessera {

PreferencesDialog::PreferencesDialog(QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Preferences"));
    QSettings settings;

    m_language = new QComboBox;
    m_language->addItem(tr("System language"), QString());
    // Each language in its own name, so a person can find theirs.
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    m_language->addItem(QStringLiteral("日本語"), QStringLiteral("ja"));
    m_language->setCurrentIndex(std::max(0, m_language->findData(settings.value("ui/language").toString())));

    m_modelsFolder = new QLineEdit(settings.value("models/folder").toString());
    m_modelsFolder->setPlaceholderText(tr("Default: $TESSERA_MODELS or ~/.local/share/tessera/models"));
    auto* browse = new QPushButton(tr("Browse…"));
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_modelsFolder, 1);
    folderRow->addWidget(browse);

    auto* form = new QFormLayout;
    form->addRow(tr("Language:"), m_language);
    form->addRow(tr("Models folder:"), folderRow);
    auto* note = new QLabel(tr("A new language applies when Tessera starts again."));
    note->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Models Folder"), m_modelsFolder->text());
        if (!folder.isEmpty())
            m_modelsFolder->setText(folder);
    });
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        save();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

QString PreferencesDialog::language() const
{
    return m_language->currentData().toString();
}

QString PreferencesDialog::modelsFolder() const
{
    return m_modelsFolder->text().trimmed();
}

void PreferencesDialog::save() const
{
    QSettings settings;
    settings.setValue("ui/language", language());
    settings.setValue("models/folder", modelsFolder());
}

} // namespace tessera

#pragma once
// The real single-file checkpoint layouts (every key and shape of SD 1.5,
// SDXL base 1.0, SDXL refiner 1.0) from ../shared/data/checkpoint_layouts,
// as the index of a shape-only store.

#include "models/loaders/weight_store.h"

#include <QFile>
#include <QString>
#include <QStringList>
#include <QtTest>

#include <memory>
#include <string>
#include <vector>

namespace tessera::test {

/// "sd15", "sdxl_base" or "sdxl_refiner"; empty when the file is absent.
inline std::vector<TensorDecl> readCheckpointLayout(const QString& name)
{
    QFile file(QStringLiteral(TESSERA_LAYOUT_TEST_DATA) + "/" + name + ".txt");
    std::vector<TensorDecl> tensors;
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return tensors;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        // "key<TAB>[d0, d1, ...]"
        const QStringList fields = line.split('\t');
        TensorDecl decl;
        decl.key = fields.value(0).toStdString();
        decl.dtype = at::kHalf;
        QString dims = fields.value(1);
        dims.remove('[').remove(']');
        for (const QString& d : dims.split(',', Qt::SkipEmptyParts))
            decl.shape.push_back(d.trimmed().toLongLong());
        tensors.push_back(decl);
    }
    return tensors;
}

/// A shape-only store over the layout, or null (the test should QSKIP) when absent.
inline std::unique_ptr<WeightStore> checkpointLayoutStore(const QString& name)
{
    const std::vector<TensorDecl> tensors = readCheckpointLayout(name);
    if (tensors.empty())
        return nullptr;
    return std::make_unique<ShapeOnlyStore>(tensors, name.toStdString() + " layout");
}

} // namespace tessera::test

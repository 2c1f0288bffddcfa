#pragma once

#include <QWidget>

namespace tessera {

class ImageView : public QWidget {
    Q_OBJECT
public:
    explicit ImageView(QWidget* parent = nullptr);
};

} // namespace tessera

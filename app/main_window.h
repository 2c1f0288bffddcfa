#pragma once

#include <QMainWindow>

namespace tessera {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

} // namespace tessera

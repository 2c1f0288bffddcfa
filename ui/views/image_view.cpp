#include "views/image_view.h"

namespace tessera {

ImageView::ImageView(QWidget* parent) : QWidget(parent) {}

} // namespace tessera

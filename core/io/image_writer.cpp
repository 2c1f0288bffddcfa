#include "io/image_writer.h"

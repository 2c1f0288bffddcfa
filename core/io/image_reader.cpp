#include "io/image_reader.h"
